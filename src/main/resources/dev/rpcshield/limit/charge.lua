-- Charges a body's members against their token buckets in one round trip, atomically.
-- Time comes from the Redis server (TIME), never from a gateway's clock.
-- KEYS: the rule keys of every member, in order.
-- ARGV[1]: member count; then per member: its rule count n, then n groups of three:
--   capacity, refill per second, cost.
-- Returns per member five integers: allowed (1/0), index of the deciding rule within the member
-- (1-based; 0 when the member has no rule), remaining, wait in ms, reset epoch second.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local NEVER = 100000000000
local members = tonumber(ARGV[1])
local a = 2
local k = 0
local out = {}
for m = 1, members do
  local n = tonumber(ARGV[a])
  a = a + 1
  local caps, rates, costs, levels = {}, {}, {}, {}
  local refused, refusedWait, refusedLeft, refusedReset = 0, -1, 0, 0
  for i = 1, n do
    caps[i] = tonumber(ARGV[a]); rates[i] = tonumber(ARGV[a + 1]); costs[i] = tonumber(ARGV[a + 2])
    a = a + 3
    local s = redis.call('HMGET', KEYS[k + i], 'tk', 'ts')
    local tokens = caps[i]
    if s[1] then
      tokens = math.min(caps[i], tonumber(s[1]) + math.max(0, now - tonumber(s[2])) * rates[i] / 1000)
    end
    levels[i] = tokens
    if costs[i] > 0 and tokens < costs[i] then
      local wait = NEVER
      if rates[i] > 0 and costs[i] <= caps[i] then
        wait = math.ceil((costs[i] - tokens) * 1000 / rates[i])
      end
      if wait > refusedWait then
        refused, refusedWait, refusedLeft = i, wait, math.floor(tokens)
        refusedReset = math.floor((now + wait) / 1000)
      end
    end
  end
  if refused > 0 then
    out[#out + 1] = 0; out[#out + 1] = refused; out[#out + 1] = refusedLeft
    out[#out + 1] = refusedWait; out[#out + 1] = refusedReset
  else
    local tight, tightRatio, tightLeft, tightReset = 0, 2, 0, 0
    for i = 1, n do
      local key = KEYS[k + i]
      local left = levels[i] - costs[i]
      redis.call('HSET', key, 'tk', tostring(left), 'ts', tostring(now))
      local full = NEVER
      if rates[i] > 0 then full = math.ceil((caps[i] - left) * 1000 / rates[i]) end
      redis.call('PEXPIRE', key, math.min(full, 86400000) + 1000)
      local reset = math.floor((now + math.min(full, 86400000)) / 1000)
      local ratio = 1
      if caps[i] > 0 then ratio = left / caps[i] end
      if ratio < tightRatio then
        tight, tightRatio, tightLeft, tightReset = i, ratio, math.floor(left), reset
      end
    end
    out[#out + 1] = 1; out[#out + 1] = tight; out[#out + 1] = tightLeft
    out[#out + 1] = 0; out[#out + 1] = tightReset
  end
  k = k + n
end
return out
