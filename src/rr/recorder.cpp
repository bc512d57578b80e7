#include "rr/recorder.h"

#include "rr/value_codec.h"
#include "util/trap.h"

namespace wasmrr::rr {

namespace {

Json encode_all(const std::vector<abi::Param>& types, const runtime::Values& values, const EncodeOptions& opts) {
  Json out = Json::array();
  for (size_t i = 0; i < types.size() && i < values.size(); i++) out.push_back(encode_value(values[i], *types[i].type, opts));
  return out;
}

// The real host's answer. A host failure that is neither a trap, an exit nor
// an Abort becomes the trap that ends the run (host_error_message), so it is
// recorded as the trap event the replay ends the same way at.
runtime::Values invoke_host(const runtime::ImportedFunc& f, runtime::Values& args) {
  try {
    return (*f.impl)(args);
  } catch (const Trap&) {
    throw;
  } catch (const ExitRequest&) {
    throw;
  } catch (const Abort&) {
    throw;  // not the guest's doing: no event
  } catch (const std::exception& e) {
    throw Trap(host_error_message(e));
  }
}

}  // namespace

// The fast path: values are encoded straight into the trace's format.
runtime::Values Recorder::call(const runtime::ImportedFunc& f, runtime::Values& args) {
  if (redactor_.active()) return call_redacting(f, args);
  events_++;
  // The event is encoded into one buffer as it goes. Arguments are only
  // compared at replay, never fed back: large byte buffers are stored as a
  // digest. Encode before the call: the host may move from args.
  bool named = false;  // the event names its function (its first)
  element_ = events_of(f, named).prefix;
  if (!f.type->params.empty()) encoder_.encode_args(element_, f.type->params, args);
  runtime::Values results;
  try {
    results = invoke_host(f, args);
  } catch (const ExitRequest& e) {
    encoder_.encode_exit(element_, e.status());
    write_element();
    throw;
  } catch (const Trap& e) {
    encoder_.encode_trap(element_, e.what());
    write_element();
    throw;
  }
  encoder_.encode_outcome(element_, f.type->results, results);
  bool names_written = encoder_.take_names_written();  // args' and results' keys
  write_element(named || names_written);
  return results;
}

// Scalar calls of bools and integers (EventEncoder::plain_scalars): the
// event is the function's cached prefix and a few bytes encoded on the
// stack, handed to the writer in one step, with no sink and no Values
// vector for the arguments; in a JSON trace, only its numbers, which the
// writer's thread makes text (trace/scalar_event.h). A function's first
// event (it may name the function), and every other kind of scalar, go
// through call().
abi::Value Recorder::call_scalar(const runtime::ImportedFunc& f, std::span<const abi::Value> args) {
  const abi::FuncType& type = *f.type;
  if (redactor_.active()) return CallInterposer::call_scalar(f, args);
  bool named = false;
  const FuncEvents& events = events_of(f, named);  // a node of funcs_: stays where it is
  if (named || !events.plain_scalars) return CallInterposer::call_scalar(f, args);
  scalar_args_.assign(args.begin(), args.end());
  events_++;
  char event[EventEncoder::kMaxScalarCall];
  size_t size = 0;
  // The generic encoding, for an outcome other than the result: the same
  // bytes up to the arguments.
  auto generic_event = [&] {
    size = encoder_.encode_scalar_args(event, type, args);
    element_.assign(events.prefix);
    encoder_.append_literal(element_, std::string_view(event, size));
  };
  runtime::Values results;
  try {
    results = invoke_host(f, scalar_args_);
  } catch (const ExitRequest& e) {
    generic_event();
    encoder_.encode_exit(element_, e.status());
    write_element();
    throw;
  } catch (const Trap& e) {
    generic_event();
    encoder_.encode_trap(element_, e.what());
    write_element();
    throw;
  }
  if (results.size() != type.results.size()) {  // recorded as it came, then the trap
    generic_event();
    encoder_.encode_outcome(element_, type.results, results);
    write_element();
    return scalar_result(f, results);
  }
  const abi::Value* result = results.empty() ? nullptr : &results[0];
  if (events.shape && args.size() == type.params.size()) {  // the writer's thread makes the text
    uint64_t numbers[trace::ScalarEventShape::kMaxValues];
    size_t n = 0;
    for (size_t i = 0; i < type.params.size(); i++) numbers[n++] = args[i].num;
    if (result) numbers[n++] = result->num;
    writer_.write_scalar_event(*events.shape, numbers);
  } else if (encoder_.staged()) {  // fewer arguments than parameters
    generic_event();
    size = encoder_.encode_scalar_outcome(event, type, result);
    encoder_.append_literal(element_, std::string_view(event, size));
    write_element();
  } else {
    size = encoder_.encode_scalar_args(event, type, args);
    size += encoder_.encode_scalar_outcome(event + size, type, result);
    writer_.write_encoded_parts(events.prefix, std::string_view(event, size));
  }
  return result ? std::move(results[0]) : abi::Value();
}

// Kept per function once it is stable: a compact CBOR event names its
// function the first time, and numbers it after (trace/compact.h). For a
// function without parameters it holds the (empty) arguments too.
const Recorder::FuncEvents& Recorder::events_of(const runtime::ImportedFunc& f, bool& named) {
  named = false;
  if (&f == last_func_) return *last_events_;  // calls come in runs of one function
  if (auto it = funcs_.find(&f); it != funcs_.end()) {
    last_func_ = &f;
    last_events_ = &it->second;
    return it->second;
  }
  bool stable = true;
  unstable_.prefix = encoder_.event_prefix(f.name, f.type->params.size(), &stable);
  if (f.type->params.empty()) encoder_.encode_args(unstable_.prefix, f.type->params, {});
  unstable_.plain_scalars = encoder_.plain_scalars(*f.type);
  unstable_.shape = nullptr;
  named = !stable;
  if (!stable) return unstable_;
  unstable_.shape = unstable_.plain_scalars ? writer_.add_scalar_shape(encoder_.scalar_shape(*f.type, unstable_.prefix)) : nullptr;
  return funcs_.emplace(&f, std::move(unstable_)).first->second;
}

// With --redact: through Json values, which the redactor edits.
runtime::Values Recorder::call_redacting(const runtime::ImportedFunc& f, runtime::Values& args) {
  trace::Event event;
  event.fn = f.name;
  // With redaction on, secrets are scrubbed from the whole buffers first, so
  // that the digests match what replay will see (the placeholder).
  event.args = encode_all(f.type->params, args, {});
  redactor_.apply(event.args);
  digest_large_bytes(event.args);
  events_++;
  runtime::Values results;
  try {
    results = invoke_host(f, args);
  } catch (const ExitRequest& e) {
    event.exit = e.status();
    write(event);
    throw;
  } catch (const Trap& e) {
    event.trap = e.what();
    write(event);
    throw;
  }
  event.results = encode_all(f.type->results, results, {});
  write(event);
  return results;
}

void Recorder::write_element(bool names_new) {
  if (encoder_.staged()) writer_.write_staged(element_);
  else writer_.write_encoded(element_, names_new);
}

void Recorder::write(trace::Event& event) {
  redactor_.apply(event.results);
  writer_.write(trace::to_json(event));
}

// The count is taken under the writer's lock, with the end record written and
// the file closed in the same step: no event can slip in between.
uint64_t Recorder::finish_stopped(trace::End end) {
  (void)writer_.close_with([&](uint64_t elements) {
    end.events = elements > 0 ? elements - 1 : 0;  // the header is not an event
    return trace::to_json(end);
  });
  return end.events;
}

void Recorder::finish(const runtime::Outcome& outcome, trace::End end) {
  if (outcome.kind == runtime::Outcome::Kind::Exited) {
    end.status = outcome.exit_status;
  } else if (outcome.kind == runtime::Outcome::Kind::Returned) {
    end.status = 0;  // an export other than wasi:cli/run (serve) returned: exit 0
  } else {
    end.kind = trace::End::Kind::Trap;
    end.message = outcome.trap_message;
    end.backtrace = outcome.backtrace;
  }
  writer_.write(trace::to_json(end));
}

}  // namespace wasmrr::rr
