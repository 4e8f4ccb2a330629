-- Mailroom's SES limiter: a GCRA pace with no burst allowance plus a rolling 24-hour ledger in
-- one-minute buckets. KEYS[1]: the next free slot (theoretical arrival time, microseconds on
-- Redis's clock). KEYS[2]: the ledger hash (minute -> count, plus 'total' and 'oldest').
-- ARGV: interval_us, ahead_us, daily_limit, ses_sent_last_24h, take (1: reserve a slot, 0: count only,
-- -1: give back the ledger count of a slot that went unused)
-- Returns {outcome, micros, used}: outcome 1 granted (slot in micros), 2 wait (ask again in micros),
-- 3 exhausted, 0 counted only.
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local ahead = tonumber(ARGV[2])
local daily = tonumber(ARGV[3])
local ses = tonumber(ARGV[4])

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
  if total > 0 then
    redis.call('HINCRBY', KEYS[2], string.format('%d', minute), -1)
    total = total - 1
  end
  redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total))
  return {0, 0, math.max(total, ses)}
end
local used = math.max(total, ses)
if ARGV[5] == '0' or used >= daily then
  redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total))
  if ARGV[5] == '0' then return {0, 0, used} end
  return {3, 0, used}
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
  return {2, delay - ahead, used}
end
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX', 3600000)
redis.call('HINCRBY', KEYS[2], string.format('%d', minute), 1)
redis.call('HSET', KEYS[2], 'oldest', string.format('%d', oldest), 'total', string.format('%d', total + 1))
redis.call('PEXPIRE', KEYS[2], 90000000)
return {1, delay, used + 1}
