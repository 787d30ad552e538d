-- The 20 most frequent user agents ('(none)' when the client sent none), with how many clients sent each.
SELECT
  coalesce(user_agent, '(none)') AS user_agent,
  count(*) AS requests,
  approx_distinct(remote_addr) AS clients
FROM access_logs
-- year: a plain column range that partition projection can enumerate from; concat: the exact hours.
WHERE year BETWEEN substr('{{from_hour}}', 1, 4) AND substr('{{to_hour}}', 1, 4)
  AND concat(year, month, day, hour) BETWEEN '{{from_hour}}' AND '{{to_hour}}'
  AND ts >= '{{from_ts}}' AND ts < '{{to_ts}}'
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 20
