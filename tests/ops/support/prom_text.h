// A strict parser for the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), written for
// the tests of /metrics. It rejects what Prometheus would reject and a few
// things it merely tolerates but that are mistakes in an exporter: samples
// before their TYPE, a family split in two, duplicate series, HELP or TYPE
// twice, bad escapes, unknown types, a missing final newline.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace strata::ops_test {

struct PromSample {
  std::string name;                           // may carry _total, _bucket, ...
  std::map<std::string, std::string> labels;  // unescaped
  double value = 0;
};

struct PromFamily {
  std::string name;
  std::string type;  // counter, gauge, histogram, summary, untyped
  std::string help;  // unescaped
  std::vector<PromSample> samples;
};

struct PromText {
  std::vector<PromFamily> families;  // in the order they appear
  std::string error;                 // "" when valid; else "line N: what"
  const PromFamily* Find(const std::string& name) const;
  // The value of the sample `name` whose labels include `labels`; NaN when none.
  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) const;
};

PromText ParsePromText(const std::string& text);

}  // namespace strata::ops_test
