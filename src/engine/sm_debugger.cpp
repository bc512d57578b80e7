// engine/debugger.h on SpiderMonkey's Debugger API. That API is JavaScript
// and must live in a compartment other than the debuggee's, so the engine
// makes a second global for it and runs a small glue script there (kGlue).
// The glue sets breakpoints on every wasm instance of a compilation (and on
// instances made later, from onNewScript), arms steps with onStep, onPop and
// onEnterFrame, and reads frames; it calls back into C++ through one native,
// wasmrrPaused. A DebugListener that throws makes the glue return the
// termination resumption value (null): the guest's frames unwind without a
// JS exception, as for a host function's exception (sm_externs.cpp), and the
// exception comes out of Func::call.
#include <js/CallAndConstruct.h>
#include <js/CompilationAndEvaluation.h>
#include <js/Debug.h>
#include <js/GlobalObject.h>
#include <js/PropertyAndElement.h>
#include <js/SourceText.h>
#include <js/Array.h>
#include <js/BigInt.h>
#include <js/Realm.h>
#include <js/Wrapper.h>
#include <jsfriendapi.h>

#include <algorithm>

#include <fmt/format.h>

#include "engine/sm_debugger.h"

namespace wasmrr::engine::sm {
namespace {

constexpr std::string_view kGlue = R"js(
var dbg = new Debugger(debuggee);
// Breakpoint sites by "compilation:offset": {compilation, offset, ids, handler}.
// One SpiderMonkey breakpoint per site, whatever the number of ids there, so
// that an instruction reached pauses once.
var sites = new Map();
var hooked = [];  // frames with step hooks

function compilationOf(script) {
  var m = /wasm-rr-module-(\d+)/.exec(script.source.url);
  return m ? Number(m[1]) : -1;
}
function wasmScripts(compilation) {
  return dbg.findScripts().filter(s => s.format == "wasm" && compilationOf(s) == compilation);
}
function siteKey(compilation, offset) { return compilation + ":" + offset; }
// Entry traps: a breakpoint on every function's first instruction, for
// break_on_next_call(). Stepping into calls with onEnterFrame would do the
// same, but SpiderMonkey 102 keeps every later call slow once onEnterFrame
// has been set (wasm calls to the host some 15 times slower), even after it
// is unset.
var entry = null;  // {offsets: Map compilation -> [offsets], handler}
function setEntryTraps(script) {
  var k = compilationOf(script);
  for (var offset of entry.offsets.get(k) || []) {
    if (sites.has(siteKey(k, offset))) continue;  // a breakpoint there pauses anyway
    try { script.setBreakpoint(offset, entry.handler); } catch (e) {}
  }
}
function armEntry(byCompilation) {
  disarmEntry();
  entry = {offsets: new Map(byCompilation), handler: {hit: () => pause(0, [])}};
  for (var s of dbg.findScripts()) if (s.format == "wasm") setEntryTraps(s);
}
function disarmEntry() {
  if (!entry) return;
  for (var s of dbg.findScripts()) if (s.format == "wasm") s.clearBreakpoint(entry.handler);
  entry = null;
}
function pause(reason, ids) {
  clearStep();
  disarmEntry();
  return wasmrrPaused(reason, ids) ? null : undefined;
}
function setSite(script, site) {
  try { script.setBreakpoint(site.offset, site.handler); } catch (e) { /* not an instruction here */ }
}
function addBreakpoint(id, compilation, offset) {
  var key = siteKey(compilation, offset);
  var site = sites.get(key);
  if (!site) {
    site = {compilation, offset, ids: []};
    site.handler = {hit: () => pause(1, site.ids.slice())};
    sites.set(key, site);
    for (var s of wasmScripts(compilation)) setSite(s, site);
  }
  site.ids.push(id);
}
function removeBreakpoint(id) {
  for (var [key, site] of sites) {
    site.ids = site.ids.filter(i => i != id);
    if (site.ids.length) continue;
    for (var s of wasmScripts(site.compilation)) s.clearBreakpoint(site.handler);
    sites.delete(key);
  }
}
dbg.onNewScript = function(script) {
  if (script.format != "wasm") return;
  var k = compilationOf(script);
  for (var site of sites.values()) if (site.compilation == k) setSite(script, site);
  if (entry) setEntryTraps(script);
};

function clearStep() {
  for (var f of hooked) if (f.onStack) { f.onStep = undefined; f.onPop = undefined; }
  hooked = [];
  dbg.onEnterFrame = undefined;
}
function olderWasm(frame) {
  for (var f = frame.older; f; f = f.older) if (f.type == "wasmcall") return f;
  return null;
}
function innermostWasm() {
  var f = dbg.getNewestFrame();
  return f && f.type != "wasmcall" ? olderWasm(f) : f;
}
function stopOnStep(frame) {
  frame.onStep = function() {
    // An instruction with a breakpoint: the breakpoint pauses (SpiderMonkey calls onStep first).
    if (sites.has(siteKey(compilationOf(this.script), this.offset))) return undefined;
    return pause(0, []);
  };
  hooked.push(frame);
}
function stopInCaller(frame) {
  frame.onPop = function() {
    var caller = olderWasm(this);
    if (caller) stopOnStep(caller);
  };
  hooked.push(frame);
}
function step(mode) {  // 0 into, 1 over, 2 out
  clearStep();
  var f = innermostWasm();
  if (!f && mode != 0) return false;
  if (f && mode != 2) stopOnStep(f);
  if (f) stopInCaller(f);
  if (mode == 0) {  // without a frame: at the first instruction of the next call into wasm
    dbg.onEnterFrame = function(entered) {
      if (entered.type != "wasmcall") return;
      stopOnStep(entered);
      stopInCaller(entered);
    };
  }
  return true;
}
// A Debugger.Frame for every live wasm frame, made and dropped: see
// Debugger::look() in engine/debugger.h.
function look() { where(); }
// The innermost wasm frame and the depth: [compilation, offset, depth], or null.
function where() {
  var f = innermostWasm();
  if (!f) return null;
  var depth = 1;
  for (var o = olderWasm(f); o; o = olderWasm(o)) depth++;
  return [compilationOf(f.script), f.offset, depth];
}
// Every wasm frame, innermost first, as [compilation, offset, locals] triples.
function frames() {
  var out = [];
  for (var f = innermostWasm(); f; f = olderWasm(f)) {
    var env = f.environment, locals = [];
    for (var name of env.names()) {
      var m = /^var(\d+)$/.exec(name);
      if (m) locals[Number(m[1])] = env.getVariable(name);
    }
    out.push(compilationOf(f.script), f.offset, locals);
  }
  return out;
}
)js";

bool paused_native(JSContext* cx, unsigned argc, JS::Value* vp) {
  JS::CallArgs args = JS::CallArgsFromVp(argc, vp);
  auto* debugger = static_cast<SmDebugger*>(js::GetFunctionNativeReserved(&args.callee(), 0).toPrivate());
  Pause pause;
  pause.reason = args.get(0).isNumber() && args.get(0).toNumber() == 1 ? Pause::Reason::Breakpoint : Pause::Reason::Step;
  if (args.get(1).isObject()) {
    JS::RootedObject ids(cx, &args.get(1).toObject());
    uint32_t n = 0;
    if (!JS::GetArrayLength(cx, ids, &n)) return false;
    for (uint32_t i = 0; i < n; i++) {
      JS::RootedValue id(cx);
      if (!JS_GetElement(cx, ids, i, &id)) return false;
      if (id.isNumber()) pause.breakpoints.push_back(static_cast<int>(id.toNumber()));
    }
  }
  args.rval().setBoolean(!debugger->deliver(pause));
  return true;
}

}  // namespace

SmDebugger::SmDebugger(SmEngine& engine) : engine_(engine) {}
SmDebugger::~SmDebugger() {
  global_.reset();
}

Result<void> SmDebugger::init(JS::HandleObject debuggee) {
  JSContext* cx = engine_.cx();
  JS::RealmOptions options;
  options.creationOptions().setNewCompartmentAndZone();
  static const JSClass kDebuggerGlobal = {"wasmrr-debugger", JSCLASS_GLOBAL_FLAGS, &JS::DefaultGlobalClassOps,
                                          nullptr, nullptr, nullptr};
  JS::RootedObject global(cx, JS_NewGlobalObject(cx, &kDebuggerGlobal, nullptr, JS::FireOnNewGlobalHook, options));
  if (!global) return make_error("the debugger's global: " + engine_.take_error().message);
  global_ = std::make_unique<JS::PersistentRootedObject>(cx, global);
  JSAutoRealm in_debugger(cx, global);
  if (!JS::InitRealmStandardClasses(cx) || !JS_DefineDebuggerObject(cx, global))
    return make_error("the Debugger API: " + engine_.take_error().message);
  JS::RootedObject wrapped(cx, debuggee);
  JS::RootedValue v(cx);
  if (!JS_WrapObject(cx, &wrapped)) return make_error("the debuggee: " + engine_.take_error().message);
  v.setObject(*wrapped);
  if (!JS_DefineProperty(cx, global, "debuggee", v, 0)) return make_error("the debuggee: " + engine_.take_error().message);
  JSFunction* fn = js::DefineFunctionWithReserved(cx, global, "wasmrrPaused", paused_native, 2, 0);
  if (!fn) return make_error("the debugger's native: " + engine_.take_error().message);
  js::SetFunctionNativeReserved(JS_GetFunctionObject(fn), 0, JS::PrivateValue(this));
  JS::CompileOptions compile(cx);
  compile.setFileAndLine("wasm-rr-debugger-glue", 1);
  JS::SourceText<mozilla::Utf8Unit> source;
  JS::RootedValue ignored(cx);
  if (!source.init(cx, kGlue.data(), kGlue.size(), JS::SourceOwnership::Borrowed) ||
      !JS::Evaluate(cx, compile, source, &ignored))
    return make_error("the debugger's glue: " + engine_.take_error().message);
  return {};
}

bool SmDebugger::deliver(const Pause& pause) {
  if (!listener_) return true;
  try {
    listener_->paused(pause);
    return true;
  } catch (...) {
    engine_.stash_host_exception(std::current_exception(), {});
    return false;
  }
}

bool SmDebugger::call_glue(const char* name, const JS::HandleValueArray& args, JS::MutableHandleValue result) {
  JSContext* cx = engine_.cx();
  JS::RootedValue fn(cx);
  if (!JS_GetProperty(cx, *global_, name, &fn)) return false;
  return JS_CallFunctionValue(cx, *global_, fn, args, result);
}

void SmDebugger::compiled(size_t compilation, const SmModule& owner, int64_t offset_shift) {
  compilations_.push_back({&owner, offset_shift});
  for (const auto& [id, b] : breakpoints_)
    if (b.module == &owner) set_site(id, compilation, b.offset);
}

void SmDebugger::set_site(int id, size_t compilation, uint32_t offset) {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  int64_t at = static_cast<int64_t>(offset) - compilations_.at(compilation).offset_shift;
  JS::RootedValueArray<3> args(cx);
  args[0].setInt32(id);
  args[1].setNumber(static_cast<double>(compilation));
  args[2].setNumber(static_cast<double>(at));
  JS::RootedValue ignored(cx);
  if (!call_glue("addBreakpoint", args, &ignored)) JS_ClearPendingException(cx);
}

Result<int> SmDebugger::add_breakpoint(const Module& module, uint32_t offset) {
  auto* owner = dynamic_cast<const SmModule*>(&module);
  if (!owner) return make_error("the module was not compiled by this engine");
  auto body = std::find_if(owner->functions.begin(), owner->functions.end(),
                           [&](const binary::FunctionCode& f) { return f.begin <= offset && offset < f.end; });
  if (body == owner->functions.end()) return make_error(fmt::format("0x{:x} is not in a function's code", offset));
  // DWARF puts a function's start at its body's local declarations: the code begins after them.
  offset = std::max(offset, static_cast<uint32_t>(body->first_instruction));
  int id = next_id_++;
  breakpoints_[id] = {owner, offset};
  for (size_t k = 0; k < compilations_.size(); k++)
    if (compilations_[k].owner == owner) set_site(id, k, offset);
  return id;
}

void SmDebugger::remove_breakpoint(int id) {
  if (!breakpoints_.erase(id)) return;
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValueArray<1> args(cx);
  args[0].setInt32(id);
  JS::RootedValue ignored(cx);
  if (!call_glue("removeBreakpoint", args, &ignored)) JS_ClearPendingException(cx);
}

std::vector<std::pair<std::string, uint32_t>> SmDebugger::functions(const Module& module) {
  std::vector<std::pair<std::string, uint32_t>> out;
  auto* owner = dynamic_cast<const SmModule*>(&module);
  if (!owner) return out;
  for (const auto& [index, name] : owner->names) {
    auto body = std::find_if(owner->functions.begin(), owner->functions.end(),
                             [&](const binary::FunctionCode& f) { return f.index == index; });
    if (body != owner->functions.end()) out.emplace_back(name, static_cast<uint32_t>(body->first_instruction));
  }
  return out;
}

bool SmDebugger::step(StepMode mode) {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValueArray<1> args(cx);
  args[0].setInt32(mode == StepMode::Into ? 0 : mode == StepMode::Over ? 1 : 2);
  JS::RootedValue armed(cx);
  if (!call_glue("step", args, &armed)) {
    JS_ClearPendingException(cx);
    return false;
  }
  return armed.isTrue();
}

void SmDebugger::look() {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValue ignored(cx);
  if (!call_glue("look", JS::HandleValueArray::empty(), &ignored)) JS_ClearPendingException(cx);
}

void SmDebugger::cancel_step() {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValue ignored(cx);
  if (!call_glue("clearStep", JS::HandleValueArray::empty(), &ignored) ||
      !call_glue("disarmEntry", JS::HandleValueArray::empty(), &ignored))
    JS_ClearPendingException(cx);
}

void SmDebugger::break_on_next_call() {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  // [[compilation, [each function's first instruction, in its offsets]], ...]
  JS::RootedValueVector pairs(cx);
  for (size_t k = 0; k < compilations_.size(); k++) {
    JS::RootedValueVector offsets(cx);
    for (const binary::FunctionCode& f : compilations_[k].owner->functions) {
      int64_t at = static_cast<int64_t>(f.first_instruction) - compilations_[k].offset_shift;
      if (!offsets.append(JS::NumberValue(static_cast<double>(at)))) return;
    }
    JS::RootedValueArray<2> pair(cx);
    pair[0].setNumber(static_cast<double>(k));
    JSObject* list = JS::NewArrayObject(cx, offsets);
    if (!list) return;
    pair[1].setObject(*list);
    JSObject* p = JS::NewArrayObject(cx, pair);
    if (!p || !pairs.append(JS::ObjectValue(*p))) return;
  }
  JS::RootedObject all(cx, JS::NewArrayObject(cx, pairs));
  if (!all) return;
  JS::RootedValueArray<1> args(cx);
  args[0].setObject(*all);
  JS::RootedValue ignored(cx);
  if (!call_glue("armEntry", args, &ignored)) JS_ClearPendingException(cx);
}


namespace {

// A local's value as the Debugger API gives it (a Number, a BigInt for
// i64 in some builds, an object for references), as a core value of its type.
CoreVal local_value(JSContext* cx, JS::HandleValue v, CoreType type) {
  double d = v.isNumber() ? v.toNumber() : 0;
  if (v.isBigInt() && type == CoreType::I64) return CoreVal::i64(JS::ToBigInt64(v.toBigInt()));
  switch (type) {
    case CoreType::I32: return CoreVal::i32(static_cast<int32_t>(static_cast<int64_t>(d)));
    case CoreType::I64: return CoreVal::i64(d >= -9.2e18 && d <= 9.2e18 ? static_cast<int64_t>(d) : 0);
    case CoreType::F32: return CoreVal::f32(static_cast<float>(d));
    case CoreType::F64: return CoreVal::f64(d);
    default: return CoreVal{};
  }
  (void)cx;
}

}  // namespace

DebugFrame SmDebugger::frame(size_t compilation, uint32_t offset, JS::HandleObject locals) const {
  JSContext* cx = engine_.cx();
  DebugFrame f;
  if (compilation >= compilations_.size()) return f;
  const Compilation& c = compilations_[compilation];
  f.where.module = c.owner;
  f.where.offset = static_cast<uint32_t>(std::max<int64_t>(static_cast<int64_t>(offset) + c.offset_shift, 0));
  const auto& fns = c.owner->functions;
  auto body = std::find_if(fns.begin(), fns.end(), [&](const binary::FunctionCode& b) { return b.begin <= f.where.offset && f.where.offset < b.end; });
  if (body == fns.end()) return f;
  f.where.function_index = body->index;
  auto name = std::lower_bound(c.owner->names.begin(), c.owner->names.end(), std::pair<uint32_t, std::string>{body->index, {}});
  if (name != c.owner->names.end() && name->first == body->index) f.where.function_name = name->second;
  f.local_types = body->locals;
  if (!locals) return f;
  for (size_t i = 0; i < body->locals.size(); i++) {
    JS::RootedValue v(cx);
    if (!JS_GetElement(cx, locals, static_cast<uint32_t>(i), &v)) JS_ClearPendingException(cx);
    f.locals.push_back(local_value(cx, v, body->locals[i]));
  }
  return f;
}

std::vector<DebugFrame> SmDebugger::frames() {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValue list(cx);
  std::vector<DebugFrame> out;
  if (!call_glue("frames", JS::HandleValueArray::empty(), &list) || !list.isObject()) {
    JS_ClearPendingException(cx);
    return out;
  }
  JS::RootedObject array(cx, &list.toObject());
  uint32_t length = 0;
  if (!JS::GetArrayLength(cx, array, &length)) return out;
  for (uint32_t i = 0; i + 2 < length; i += 3) {
    JS::RootedValue k(cx), offset(cx), locals(cx);
    if (!JS_GetElement(cx, array, i, &k) || !JS_GetElement(cx, array, i + 1, &offset) ||
        !JS_GetElement(cx, array, i + 2, &locals) || !k.isNumber() || !offset.isNumber() || !locals.isObject()) {
      JS_ClearPendingException(cx);
      break;
    }
    JS::RootedObject locals_obj(cx, &locals.toObject());
    double kd = k.toNumber();
    out.push_back(frame(kd < 0 ? compilations_.size() : static_cast<size_t>(kd), static_cast<uint32_t>(offset.toNumber()), locals_obj));
  }
  return out;
}

std::optional<Debugger::Where> SmDebugger::where() {
  JSContext* cx = engine_.cx();
  JSAutoRealm in_debugger(cx, *global_);
  JS::RootedValue triple(cx);
  if (!call_glue("where", JS::HandleValueArray::empty(), &triple) || !triple.isObject()) {
    JS_ClearPendingException(cx);
    return std::nullopt;
  }
  JS::RootedObject array(cx, &triple.toObject());
  JS::RootedValue k(cx), offset(cx), depth(cx);
  if (!JS_GetElement(cx, array, 0, &k) || !JS_GetElement(cx, array, 1, &offset) || !JS_GetElement(cx, array, 2, &depth) ||
      !k.isNumber() || !offset.isNumber() || !depth.isNumber()) {
    JS_ClearPendingException(cx);
    return std::nullopt;
  }
  double kd = k.toNumber();
  JS::RootedObject no_locals(cx);
  DebugFrame f = frame(kd < 0 ? compilations_.size() : static_cast<size_t>(kd), static_cast<uint32_t>(offset.toNumber()), no_locals);
  return Where{std::move(f.where), static_cast<size_t>(depth.toNumber())};
}

}  // namespace wasmrr::engine::sm
