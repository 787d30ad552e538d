-- Per hour: bytes sent to clients, requests, and the average response size.
SELECT
  concat(year, '-', month, '-', day, 'T', hour, ':00:00Z') AS hour_start,
  count(*) AS requests,
  sum(bytes_sent) AS bytes_sent,
  round(avg(bytes_sent), 1) AS avg_bytes
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 1
