-- Mailroom's SES limiter: a GCRA pace with no burst allowance plus a rolling 24-hour ledger in
-- one-minute buckets. KEYS[1]: the next free slot (theoretical arrival time, microseconds on
-- Redis's clock). KEYS[2]: the ledger hash (minute -> count, plus 'total' and 'oldest'). KEYS[3]: the
-- slots granted in the last settle_us (sorted set, score and member the slot's time), which may
-- still be given back.
-- ARGV: interval_us, ahead_us, daily_limit, ses_sent_last_24h, take (1: reserve a slot, 0: count only,
-- -1: give back the ledger count of the slot ARGV[6] that went unused), slot, settle_us
-- Returns {outcome, micros, used, slot}: outcome 1 granted (the slot, micros from now), 2 wait (ask
-- again in micros), 3 exhausted, 0 counted only.
-- The quota is exhausted only once no granted slot can still be given back: until then a full ledger
-- answers 'wait', so that slots a starved node gives back late are still used.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local ahead = tonumber(ARGV[2])
local daily = tonumber(ARGV[3])
local ses = tonumber(ARGV[4])
local settle = tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', string.format('(%.0f', now - settle))

local minute = math.floor(now / 60000000)
local floor = minute - 1440
local oldest = tonumber(redis.call('HGET', KEYS[2], 'oldest') or minute)
local total = tonumber(redis.call('HGET', KEYS[2], 'total') or 0)
if oldest < floor - 1440 then
  redis.call('DEL', KEYS[2])
  total = 0
  oldest = floor
end
while oldest < floor do
  local c = redis.call('HGET', KEYS[2], string.format('%d', oldest))
  if c then
    total = total - tonumber(c)
    redis.call('HDEL', KEYS[2], string.format('%d', oldest))
  end
  oldest = oldest + 1
end
if ARGV[5] == '-1' then
  redis.call('ZREM', KEYS[3], ARGV[6])
  if total > 0 then
    redis.call('HINCRBY', KEYS[2], string.format('%d', minute), -1)
    total = total - 1
  end
  redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total))
  return {0, 0, math.max(total, ses), 0}
end
local used = math.max(total, ses)
if ARGV[5] == '0' or used >= daily then
  redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total))
  if ARGV[5] == '0' then return {0, 0, used, 0} end
  local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
  if first[2] then
    return {2, math.max(1000, math.min(tonumber(first[2]) + settle - now, 100000)), used, 0}
  end
  return {3, 0, used, 0}
end

local stored = redis.call('GET', KEYS[1])
local tat
if not stored then
  -- nothing known (first use, or Redis lost its data): slots other nodes reserved may still be
  -- ahead, so the first slot is one look-ahead away
  tat = now + ahead
else
  tat = math.max(tonumber(stored), now)
end
local delay = tat - now
if delay > ahead then
  return {2, delay - ahead, used, 0}
end
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', 3600000)
redis.call('HINCRBY', KEYS[2], string.format('%d', minute), 1)
redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total + 1))
redis.call('PEXPIRE', KEYS[2], 90000000)
-- only a slot granted near the quota can still be unsettled when the ledger fills: the pace allows
-- at most one slot an interval
if daily - (used + 1) <= settle / interval + 1 then
  redis.call('ZADD', KEYS[3], string.format('%.0f', tat), string.format('%.0f', tat))
  redis.call('PEXPIRE', KEYS[3], math.floor(settle / 1000) + 60000)
end
return {1, delay, used + 1, tat}
