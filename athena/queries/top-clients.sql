-- The 20 busiest client addresses, with their error counts, bytes and distinct paths.
SELECT
  remote_addr,
  count(*) AS requests,
  count_if(status >= 400) AS errors,
  sum(bytes_sent) AS bytes_sent,
  approx_distinct(split_part(path, '?', 1)) AS distinct_paths
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 20
