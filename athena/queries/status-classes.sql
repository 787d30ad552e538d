-- Requests per minute by status class (2xx, 3xx, 4xx, 5xx).
-- The partition predicate reads only the hours asked for; the ts filter trims to the exact range.
SELECT
  date_format(date_trunc('minute', from_iso8601_timestamp(ts)), '%Y-%m-%dT%H:%i:00Z') AS minute,
  -- lpad: nginx's 000 (no status sent) and 009 (HTTP/0.9) are the class 0xx.
  concat(substr(lpad(CAST(status AS varchar), 3, '0'), 1, 1), 'xx') AS status_class,
  count(*) AS requests
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1, 2
ORDER BY 1, 2
