-- Per minute: requests, 4xx and 5xx counts, and the share of requests that failed on the server (5xx).
SELECT
  date_format(date_trunc('minute', from_iso8601_timestamp(ts)), '%Y-%m-%dT%H:%i:00Z') AS minute,
  count(*) AS requests,
  count_if(status >= 400 AND status < 500) AS client_errors,
  count_if(status >= 500) AS server_errors,
  round(CAST(count_if(status >= 500) AS double) / count(*), 4) AS error_rate
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 1
