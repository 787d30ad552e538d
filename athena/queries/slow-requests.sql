-- The 50 slowest requests, slowest first.
SELECT ts, method, path, status, request_time, upstream_response_time, remote_addr, host, source
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
  AND request_time IS NOT NULL
ORDER BY request_time DESC, ts DESC, path
LIMIT 50
