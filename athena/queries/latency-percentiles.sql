-- Per minute: request_time (seconds) p50, p95 and p99, over requests that logged a request_time.
SELECT
  date_format(date_trunc('minute', from_iso8601_timestamp(ts)), '%Y-%m-%dT%H:%i:00Z') AS minute,
  count(*) AS requests,
  approx_percentile(request_time, 0.5) AS p50,
  approx_percentile(request_time, 0.95) AS p95,
  approx_percentile(request_time, 0.99) AS p99
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
  AND request_time IS NOT NULL
GROUP BY 1
ORDER BY 1
