-- Per hour: bytes sent to clients, requests, and the average response size.
SELECT
  concat(year, '-', month, '-', day, 'T', hour, ':00:00Z') AS hour_start,
  count(*) AS requests,
  sum(bytes_sent) AS bytes_sent,
  round(avg(bytes_sent), 1) AS avg_bytes
FROM access_logs
WHERE concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 1
