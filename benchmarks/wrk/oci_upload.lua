-- wrk script: OCI monolithic blob uploads (POST /v2/REPO/blobs/uploads/, then PUT <Location>?digest= with the
-- body) of distinct pre-made blobs, so that the client costs a fraction of what the server does (a JVM client
-- took ~0.9 of this machine's 2 cores for 64 KiB uploads).
--
--   BLOBS=DIR/blobs.bin DIGESTS=DIR/digests.txt SIZE=65536 FIRST=0 LAST=8000 REPO=bench/wrk \
--     wrk -t1 -c64 -d5s -s oci_upload.lua http://127.0.0.1:5000
--
-- make_blobs.py writes BLOBS and DIGESTS. Blobs FIRST..LAST-1 are used once each, thread i of THREADS taking
-- FIRST+i, FIRST+i+THREADS, ...; a run that exhausts them only POSTs from then on (reported as exhausted=N: make
-- more or shorten -d). A 202's Location goes into the thread's queue; a connection ready to send PUTs the next blob
-- to the oldest queued Location, else POSTs. Latency percentiles are per request (POST or PUT), not per blob.
-- done() prints one line: WRKUPLOAD blobs=.. seconds=.. blobs_per_s=.. mb_per_s=.. p50_ms=.. p99_ms=..
-- errors=.. exhausted=.. requests=..

local size, repo, blobs, digests, first, last, step
local queue, qh, qt = {}, 1, 0
local threads = {}
-- globals, read by done() through thread:get
created, errors, exhausted = 0, 0, 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  size = tonumber(os.getenv("SIZE") or "65536")
  repo = os.getenv("REPO") or "bench/wrk"
  digests = {}
  for l in io.lines((assert(os.getenv("DIGESTS"), "DIGESTS not set"))) do digests[#digests + 1] = l end
  first = tonumber(os.getenv("FIRST") or "0")
  last = math.min(tonumber(os.getenv("LAST") or tostring(#digests)), #digests)
  step = tonumber(os.getenv("THREADS") or "1")
  nextBlob = first + id
  local f = assert(io.open((assert(os.getenv("BLOBS"), "BLOBS not set")), "rb"))
  f:seek("set", first * size)
  blobs = f:read((last - first) * size)
  f:close()
end

request = function()
  if qt >= qh and nextBlob < last then
    local loc = queue[qh]
    queue[qh] = nil
    qh = qh + 1
    local i = nextBlob
    nextBlob = nextBlob + step
    local sep = loc:find("?", 1, true) and "&" or "?"
    return wrk.format("PUT", loc .. sep .. "digest=" .. digests[i + 1],
      {["Content-Type"] = "application/octet-stream"}, blobs:sub((i - first) * size + 1, (i - first + 1) * size))
  end
  if nextBlob >= last then exhausted = exhausted + 1 end
  return wrk.format("POST", "/v2/" .. repo .. "/blobs/uploads/", {["Content-Length"] = "0"})
end

response = function(status, headers, body)
  if status == 202 then
    local loc = headers["Location"] or headers["location"] or ""
    local p = loc:find("/v2/", 1, true)
    if p then
      qt = qt + 1
      queue[qt] = loc:sub(p)
    else
      errors = errors + 1
    end
  elseif status == 201 then
    created = created + 1
  else
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local c, e, x = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    e = e + t:get("errors")
    x = x + t:get("exhausted")
  end
  local s = summary.duration / 1e6
  local bytes = tonumber(os.getenv("SIZE") or "65536")
  io.write(string.format("WRKUPLOAD blobs=%d seconds=%.3f blobs_per_s=%.1f mb_per_s=%.1f p50_ms=%.2f p99_ms=%.2f "
    .. "errors=%d exhausted=%d requests=%d\n", c, s, c / s, c * bytes / s / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, x, summary.requests))
end
