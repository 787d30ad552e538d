-- The 20 most requested paths (query string dropped), with their errors, bytes and p95 latency.
-- Requests nginx logged but could not parse (empty, binary, a TLS handshake) have no path: "(no request)".
SELECT
  coalesce(split_part(path, '?', 1), '(no request)') AS path,
  count(*) AS requests,
  count_if(status >= 500) AS server_errors,
  sum(bytes_sent) AS bytes_sent,
  approx_percentile(request_time, 0.95) AS p95
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 20
