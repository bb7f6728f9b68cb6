-- ibsh.plot_animate: plot.animate, the information plane over epochs as a movie (installed by plot.lua).
-- Frame k draws the snapshots 1..s_k with the axes and colour range of the final figure, so
-- nothing jumps; plot.movie writes the frames (GIF with our LZW encoder, or an animated PNG).
local help = require "ibsh.core.help"
local progress = require "ibsh.core.progress"

local DEFAULT_MAX_FRAMES = 300

-- The snapshot counts of the frames: every snapshot when there are at most cap, else cap evenly spaced (ending at S).
local function frame_counts(S, cap)
  local out = {}
  if S <= cap then
    for s = 1, S do out[s] = s end
    return out
  end
  local last = 0
  for k = 1, cap do
    local s = math.max(1, math.floor(k * S / cap + 0.5))
    if s > last then out[#out + 1] = s; last = s end
  end
  return out
end

-- The epochs of the plane's snapshots as a Lua array.
local function epoch_list(epochs, S, fname)
  local out = {}
  if epochs == nil then for i = 1, S do out[i] = i - 1 end return out end
  if type(epochs) == "userdata" then
    if epochs:numel() ~= S then error(("%s: epochs has %d values but the plane has %d snapshots"):format(fname, epochs:numel(), S), 3) end
    local flat = epochs:reshape(S)
    for i = 1, S do out[i] = flat:get(i) end
    return out
  end
  if type(epochs) ~= "table" or #epochs ~= S then
    error(("%s: epochs must be a tensor or array of %d values (one per snapshot)"):format(fname, S), 3)
  end
  for i = 1, S do out[i] = epochs[i] end
  return out
end

local Animation = {}
Animation.__index = Animation
Animation.__name = "ibsh.Animation"

-- The infoplane options of frame k (snapshots 1..s) with the final figure's ranges.
local function frame_options(a, s, limits)
  local o = {}
  for k, v in pairs(a.opts) do o[k] = v end
  local ep = {}
  for i = 1, s do ep[i] = a.epochs[i] end
  o.epochs = ep
  o.title = (a.opts.title or "Information plane") .. string.format(", epoch %s", tostring(math.tointeger(ep[s]) or ep[s]))
  o.vmin, o.vmax = a.vmin, a.vmax
  if limits then o.xlim, o.ylim = limits.x, limits.y end
  return o
end

-- anim:save(path): write the movie (.gif, or .png as APNG); returns the number of frames written.
function Animation:save(path)
  local fname = "Animation:save"
  if type(path) ~= "string" then error(fname .. ": path must be a string", 2) end
  local counts, S = self.counts, self.snapshots
  local hold = math.floor(self.hold * self.fps + 0.5)
  local total = #counts + hold
  local final_fig, final_ax = self.plot.infoplane(self.plane, frame_options(self, S, nil))
  local movie = self.plot.movie(path, {ref = final_fig, fps = self.fps, frames = total, cmap = self.opts.cmap or "gnuplot"})
  local xlo, xhi = final_ax:xlim()
  local ylo, yhi = final_ax:ylim()
  local limits = {x = {xlo, xhi}, y = {ylo, yhi}}
  local bar = progress.new("plot.animate", total, {unit = "frames", quiet = self.quiet})
  for k, s in ipairs(counts) do
    if s == S then movie:add(final_fig)
    else
      local fig = self.plot.infoplane(self.plane:narrow(1, 1, s), frame_options(self, s, limits))
      movie:add(fig)
    end
    bar:update(k)
  end
  for k = 1, hold do movie:add(final_fig); bar:update(#counts + k) end
  movie:close()
  bar:finish()
  return total
end

-- anim:frames(): the number of frames save writes (snapshot frames plus the hold at the end).
function Animation:frames()
  return #self.counts + math.floor(self.hold * self.fps + 0.5)
end

-- anim:snapshots(): the snapshot count shown by each frame, as an array.
function Animation:snapshot_counts()
  local out = {}
  for i, s in ipairs(self.counts) do out[i] = s end
  return out
end

-- __tostring of an animation.
function Animation:__tostring()
  return string.format("ibsh.Animation: %d snapshots in %d frames at %g fps", self.snapshots, self:frames(), self.fps)
end

return function(M)
  local own = {fps = true, max_frames = true, hold = true, quiet = true}
  local refused = {ax = true, xlim = true, ylim = true, vmin = true, vmax = true}

  -- plot.animate(plane, opts) -> animation
  function M.animate(plane, opts)
    local fname = "plot.animate"
    if type(plane) ~= "userdata" or not pcall(function() return plane:dim() end) or plane:dim() ~= 3 or plane:size(3) ~= 2 then
      error(fname .. ": plane must be a [snapshots x layers x 2] tensor (as mi.infoplane returns)", 2)
    end
    if opts ~= nil and type(opts) ~= "table" then error(fname .. ": options must be a table, got " .. type(opts), 2) end
    opts = opts or {}
    local pass = {width = 800, height = 600, fontsize = 12}
    for k, v in pairs(opts) do
      if refused[k] then error(("%s: option '%s' is set by the animation (frames share the final figure's axes)"):format(fname, k), 2) end
      if not own[k] then pass[k] = v end
    end
    local S = plane:size(1)
    if S < 1 then error(fname .. ": the plane has no snapshots", 2) end
    local fps = opts.fps or 20
    if type(fps) ~= "number" or not (fps > 0 and fps <= 100) then error(fname .. ": fps must be in (0, 100]", 2) end
    local cap = opts.max_frames or DEFAULT_MAX_FRAMES
    if math.type(cap) ~= "integer" or cap < 1 then error(fname .. ": max_frames must be a positive integer", 2) end
    local hold = opts.hold or 1
    if type(hold) ~= "number" or hold < 0 then error(fname .. ": hold must be a number of seconds >= 0", 2) end
    local epochs = epoch_list(opts.epochs, S, fname)
    local vmin, vmax = math.huge, -math.huge
    for _, e in ipairs(epochs) do vmin, vmax = math.min(vmin, e), math.max(vmax, e) end
    if vmin == vmax then vmax = vmin + 1 end
    if opts.logcolor and vmin <= 0 then vmin = nil end   -- the log scale finds its own positive lower end
    pass.epochs = nil
    -- check the infoplane options once, on the whole plane, before any file is touched
    local ok, err = pcall(M.infoplane, plane, (function() local o = {} for k, v in pairs(pass) do o[k] = v end o.epochs = epochs return o end)())
    if not ok then error((tostring(err):gsub("^plot%.infoplane", fname)), 2) end
    return setmetatable({plot = M, plane = plane, opts = pass, epochs = epochs, snapshots = S, fps = fps, hold = hold,
      counts = frame_counts(S, cap), vmin = vmin, vmax = vmax, quiet = opts.quiet}, Animation)
  end

  help.set(M.animate, "plot.animate", [[plot.animate(plane, opts) -> animation

The information plane over epochs as a movie: frame k draws the snapshots up to s_k as plot.infoplane
does, with the axis ranges and epoch colour range of the final figure (nothing jumps between frames).
One frame per snapshot, up to max_frames (default 300: longer runs get 300 evenly spaced frames ending at
the last snapshot), then the final figure held for hold seconds (default 1). anim:save("plane.gif")
writes an animated GIF (own LZW encoder, a 256-colour palette from the colour map, a grey ramp and the
final figure's commonest colours); anim:save("plane.png") an animated PNG (APNG). Frames store only what
changed since the previous one. Options: epochs, bound, fps (20), max_frames, hold, quiet (no progress
line), and the other options of plot.infoplane (mode, cmap, logcolor, title, width = 800, height = 600,
fontsize = 12, ...).

Example: plot.animate(plane, {epochs = epochs, bound = ib.curve(d:joint()), fps = 20}):save("plane.gif")]])
  help.set(Animation.save, "Animation:save", "anim:save(path)\n\nWrite the animation: .gif (animated GIF) or .png (animated PNG), atomically (a temporary file renamed at the end). A progress line shows the frames. Returns the number of frames written.\n\nExample: plot.animate(plane, {epochs = epochs}):save('plane.gif')")
  help.set(Animation.frames, "Animation:frames", "anim:frames()\n\nThe number of frames save writes: one per snapshot up to max_frames, plus hold x fps copies of the final figure.\n\nExample: print(plot.animate(plane):frames())")
  help.set(Animation.snapshot_counts, "Animation:snapshot_counts", "anim:snapshot_counts()\n\nFor each frame before the hold, the number of snapshots it shows (an array ending at the plane's snapshot count).\n\nExample: local c = plot.animate(plane, {max_frames = 10}):snapshot_counts()")
  debug.getregistry()["ibsh.Animation"] = Animation
end
