-- Adds one instance's refusals since its last sync to the cluster's ratewatch state.
-- KEYS[1] series counts (hash id -> count), KEYS[2] first seen (hash id -> ms),
-- KEYS[3] last seen (zset id, score ms); then per account KEYS[3+2i-1] refusal buckets
-- (hash bucket -> count) and KEYS[3+2i] the armed marker that keeps a flag from firing twice.
-- ARGV: max series, retention ms, threshold, window ms, bucket ms, series n, then n (id, count),
-- then per account (id, count). Returns the ids of accounts that crossed the threshold now.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxSeries = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local bucketMs = tonumber(ARGV[5])
local n = tonumber(ARGV[6])
local a = 7
for i = 1, n do
  local id = ARGV[a]
  redis.call('HINCRBY', KEYS[1], id, tonumber(ARGV[a + 1]))
  redis.call('HSETNX', KEYS[2], id, now)
  redis.call('ZADD', KEYS[3], now, id)
  a = a + 2
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now - retention)
local excess = redis.call('ZCARD', KEYS[3]) - #stale - maxSeries
if excess > 0 then
  local oldest = redis.call('ZRANGE', KEYS[3], #stale, #stale + excess - 1)
  for _, id in ipairs(oldest) do stale[#stale + 1] = id end
end
for _, id in ipairs(stale) do
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], retention) end

local fired = {}
local current = math.floor(now / bucketMs)
local oldestBucket = current - math.floor(window / bucketMs) + 1
local k = 4
while a <= #ARGV do
  local account = ARGV[a]
  local buckets = KEYS[k]
  redis.call('HINCRBY', buckets, current, tonumber(ARGV[a + 1]))
  redis.call('PEXPIRE', buckets, window + bucketMs)
  local total = 0
  local all = redis.call('HGETALL', buckets)
  for j = 1, #all, 2 do
    local b = tonumber(all[j])
    if b < oldestBucket then
      redis.call('HDEL', buckets, all[j])
    else
      total = total + tonumber(all[j + 1])
    end
  end
  if total >= threshold then
    if redis.call('SET', KEYS[k + 1], now, 'NX', 'PX', window) then
      fired[#fired + 1] = account
    else
      redis.call('PEXPIRE', KEYS[k + 1], window)
    end
  end
  a = a + 2
  k = k + 2
end
return fired
