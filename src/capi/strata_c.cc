// The C ABI (include/strata/strata.h) over strata::Migrator. Every entry
// point catches everything: a C caller cannot unwind a C++ exception.
#include <strata/strata.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include <strata/json.h>
#include <strata/migrator.h>
#include <strata/types.h>

struct strata_migrator {
  std::unique_ptr<strata::Migrator> migrator;  // null when open failed
  strata_code code = STRATA_OK;
  std::string message;
  std::string hint;
};

namespace {

static_assert(static_cast<int>(strata::Status::Code::kInternal) == STRATA_INTERNAL,
              "strata_code mirrors strata::Status::Code");

strata_code Fail(strata_migrator* m, const strata::Status& s) {
  m->code = static_cast<strata_code>(s.code());
  m->message = s.ToString();
  m->hint = s.hint();
  return m->code;
}

strata_code Ok(strata_migrator* m) {
  m->code = STRATA_OK;
  m->message.clear();
  m->hint.clear();
  return STRATA_OK;
}

// Runs `body` with the handle checked and exceptions turned into codes.
template <class Body>
strata_code Guarded(strata_migrator* m, Body body) {
  if (m == nullptr) return STRATA_INVALID_ARGUMENT;
  try {
    if (!m->migrator) return m->code == STRATA_OK ? STRATA_INTERNAL : m->code;  // open failed: keep its error
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(m, strata::Status::Internal("out of memory"));
  } catch (const std::exception& e) {
    return Fail(m, strata::Status::Internal(std::string("unexpected error: ") + e.what()));
  } catch (...) {
    return Fail(m, strata::Status::Internal("unexpected error"));
  }
}

char* CopyOut(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out != nullptr) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

std::string Str(const char* s) { return s != nullptr ? s : ""; }

}  // namespace

extern "C" {

strata_code strata_open(const strata_options* options, strata_migrator** out) {
  if (out == nullptr) return STRATA_INVALID_ARGUMENT;
  *out = nullptr;
  try {
    auto m = std::make_unique<strata_migrator>();
    strata::Options o;
    if (options != nullptr) {
      o.url = Str(options->url);
      o.dir = Str(options->dir);
      o.config_path = Str(options->config_path);
      o.env = Str(options->env);
      o.format = Str(options->format);
    }
    auto opened = strata::Migrator::Open(o);
    strata_code code = opened.ok() ? Ok(m.get()) : Fail(m.get(), opened.status());
    if (opened.ok()) m->migrator = std::move(*opened);
    *out = m.release();
    return code;
  } catch (...) {
    return STRATA_INTERNAL;
  }
}

strata_code strata_status_json(strata_migrator* m, char** json_out) {
  return Guarded(m, [&]() -> strata_code {
    if (json_out == nullptr) return Fail(m, strata::Status::InvalidArgument("json_out is NULL"));
    *json_out = nullptr;
    auto report = m->migrator->GetStatus();
    if (!report.ok()) return Fail(m, report.status());
    *json_out = CopyOut(strata::ToJson(*report));
    if (*json_out == nullptr) return Fail(m, strata::Status::Internal("out of memory"));
    return Ok(m);
  });
}

strata_code strata_up(strata_migrator* m, const char* to, int* applied_out) {
  if (applied_out != nullptr) *applied_out = 0;
  return Guarded(m, [&]() -> strata_code {
    strata::UpOptions options;
    if (to != nullptr) options.to = std::string(to);
    auto report = m->migrator->Up(options);
    if (!report.ok()) return Fail(m, report.status());
    if (applied_out != nullptr) *applied_out = static_cast<int>(report->steps.size());
    return Ok(m);
  });
}

strata_code strata_down(strata_migrator* m, int steps, int yes, int* rolled_back_out) {
  if (rolled_back_out != nullptr) *rolled_back_out = 0;
  return Guarded(m, [&]() -> strata_code {
    strata::DownOptions options;
    options.steps = steps;
    options.yes = yes != 0;
    auto report = m->migrator->Down(options);
    if (!report.ok()) return Fail(m, report.status());
    if (rolled_back_out != nullptr) *rolled_back_out = static_cast<int>(report->steps.size());
    return Ok(m);
  });
}

const char* strata_errmsg(const strata_migrator* m) {
  return m != nullptr ? m->message.c_str() : "no strata_migrator (strata_open failed: out of memory?)";
}

const char* strata_errhint(const strata_migrator* m) { return m != nullptr ? m->hint.c_str() : ""; }

strata_code strata_errcode(const strata_migrator* m) { return m != nullptr ? m->code : STRATA_INTERNAL; }

void strata_free(void* p) { std::free(p); }

void strata_close(strata_migrator* m) {
  try {
    delete m;
  } catch (...) {
  }
}

const char* strata_version(void) {
  static const std::string version(strata::Version());
  return version.c_str();
}

}  // extern "C"
