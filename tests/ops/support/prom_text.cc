#include "support/prom_text.h"

#include <cmath>
#include <cstdlib>
#include <set>

namespace strata::ops_test {
namespace {

bool IsMetricName(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLabelName(const std::string& s) {
  if (s.empty() || s.rfind("__", 0) == 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Go's ParseFloat forms Prometheus accepts, plus its special values.
bool ParseValue(const std::string& s, double* out) {
  if (s == "+Inf" || s == "Inf") *out = INFINITY;
  else if (s == "-Inf") *out = -INFINITY;
  else if (s == "NaN") *out = NAN;
  else {
    if (s.empty()) return false;
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return false;
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
    }
  }
  return true;
}

// The family a sample name belongs to (histogram/summary suffixes).
std::string FamilyOf(const std::string& sample, const std::map<std::string, std::string>& types) {
  if (types.count(sample)) return sample;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    std::string s(suffix);
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      std::string base = sample.substr(0, sample.size() - s.size());
      auto it = types.find(base);
      if (it != types.end() && (it->second == "histogram" || it->second == "summary")) return base;
    }
  }
  return sample;
}

}  // namespace

const PromFamily* PromText::Find(const std::string& name) const {
  for (const auto& f : families)
    if (f.name == name) return &f;
  return nullptr;
}

double PromText::Value(const std::string& name, const std::map<std::string, std::string>& labels) const {
  for (const auto& f : families) {
    for (const auto& s : f.samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) match = false;
      }
      if (match) return s.value;
    }
  }
  return NAN;
}

PromText ParsePromText(const std::string& text) {
  PromText out;
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> helped, closed, series;
  std::string current;  // family whose samples are being read
  int line_no = 0;
  auto fail = [&](const std::string& what) {
    out.error = "line " + std::to_string(line_no) + ": " + what;
    return out;
  };
  if (text.empty() || text.back() != '\n') {
    line_no = 0;
    return fail("the text must end with a newline");
  }
  auto family = [&](const std::string& name) -> PromFamily& {
    for (auto& f : out.families)
      if (f.name == name) return f;
    out.families.push_back({name, "untyped", "", {}});
    return out.families.back();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
        bool help = line[2] == 'H';
        std::string rest = line.substr(7);
        size_t sp = rest.find(' ');
        std::string name = rest.substr(0, sp);
        std::string arg = sp == std::string::npos ? "" : rest.substr(sp + 1);
        if (!IsMetricName(name)) return fail("bad metric name '" + name + "'");
        if (closed.count(name)) return fail(name + ": HELP/TYPE after its samples ended (family split)");
        if (!current.empty() && current != name) closed.insert(current);
        current = name;
        PromFamily& f = family(name);
        if (help) {
          if (!helped.insert(name).second) return fail("second HELP for " + name);
          std::string h;
          for (size_t i = 0; i < arg.size(); ++i) {
            if (arg[i] == '\\') {
              if (i + 1 >= arg.size()) return fail("dangling backslash in HELP");
              char n = arg[++i];
              if (n == 'n') h += '\n';
              else if (n == '\\') h += '\\';
              else return fail(std::string("bad escape \\") + n + " in HELP");
            } else {
              h += arg[i];
            }
          }
          f.help = h;
        } else {
          if (types.count(name)) return fail("second TYPE for " + name);
          if (!f.samples.empty()) return fail("TYPE for " + name + " after its samples");
          static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
          if (!kTypes.count(arg)) return fail("unknown type '" + arg + "'");
          types[name] = arg;
          f.type = arg;
        }
      }
      continue;  // other comments are allowed
    }
    // name{labels} value [timestamp]
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    PromSample s;
    s.name = line.substr(0, i);
    if (!IsMetricName(s.name)) return fail("bad metric name '" + s.name + "'");
    std::string fam = FamilyOf(s.name, types);
    if (!types.count(fam)) return fail(s.name + ": sample before its TYPE line");
    if (fam != current) {
      if (closed.count(fam)) return fail(fam + ": samples of one family are not together");
      if (!current.empty()) closed.insert(current);
      current = fam;
    }
    if (types[fam] == "counter" && s.name.size() > 6 && s.name.compare(s.name.size() - 6, 6, "_total") != 0 &&
        s.name != fam) {
      return fail("counter sample " + s.name);
    }
    std::string key;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        size_t eq = line.find('=', i);
        if (eq == std::string::npos) return fail("label without '='");
        std::string lname = line.substr(i, eq - i);
        if (!IsLabelName(lname)) return fail("bad label name '" + lname + "'");
        if (s.labels.count(lname)) return fail("label " + lname + " twice");
        i = eq + 1;
        if (i >= line.size() || line[i] != '"') return fail("label value not quoted");
        ++i;
        std::string value;
        bool closed_quote = false;
        while (i < line.size()) {
          char c = line[i++];
          if (c == '"') {
            closed_quote = true;
            break;
          }
          if (c == '\\') {
            if (i >= line.size()) return fail("dangling backslash in a label value");
            char n = line[i++];
            if (n == 'n') value += '\n';
            else if (n == '\\') value += '\\';
            else if (n == '"') value += '"';
            else return fail(std::string("bad escape \\") + n + " in a label value");
          } else {
            value += c;
          }
        }
        if (!closed_quote) return fail("unterminated label value");
        s.labels[lname] = value;
        if (i < line.size() && line[i] == ',') ++i;
        else if (i < line.size() && line[i] != '}') return fail("expected ',' or '}' after a label");
      }
      if (i >= line.size()) return fail("unterminated label set");
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') return fail("expected a space before the value");
    std::string rest = line.substr(i + 1);
    size_t sp = rest.find(' ');
    std::string value = rest.substr(0, sp);
    if (!ParseValue(value, &s.value)) return fail("bad value '" + value + "'");
    if (sp != std::string::npos) {
      std::string ts = rest.substr(sp + 1);
      if (ts.empty() || ts.find_first_not_of("-0123456789") != std::string::npos) return fail("bad timestamp");
    }
    key = s.name;
    for (const auto& [k, v] : s.labels) key += "\x1f" + k + "=" + v;
    if (!series.insert(key).second) return fail("duplicate series " + s.name);
    family(fam).samples.push_back(std::move(s));
  }
  return out;
}

}  // namespace strata::ops_test
