// Targets files and [fleet.NAME] tables (config/fleet.h).
#include "config/fleet.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "config/internal.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::config {
namespace {

constexpr std::array<std::string_view, 5> kFleetKeys = {"urls", "query_url", "databases_query", "schemas_query",
                                                        "parallel"};

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string TypeOf(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true or false";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

std::string KeyList() {
  std::string out;
  for (std::string_view k : kFleetKeys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}


// Keys and types of one [fleet.NAME]; ${VAR} is not expanded here.
Status CheckFleet(const toml::table& table, const std::string& name, const std::string& path, int line) {
  const std::string prefix = "fleet." + name;
  bool has_source = false;
  for (auto&& [k, node] : table) {
    const std::string key(k.str());
    const std::string setting = prefix + "." + key;
    if (std::find(kFleetKeys.begin(), kFleetKeys.end(), key) == kFleetKeys.end()) {
      std::string msg = setting + ": unknown setting";
      for (std::string_view known : kFleetKeys) {
        if (util::EditDistance(key, known) <= 2) {
          msg += " (did you mean '" + std::string(known) + "'?)";
          break;
        }
      }
      return Status::InvalidArgument(msg).At(path, static_cast<int>(k.source().begin.line))
          .WithHint("valid keys in [" + prefix + "]: " + KeyList());
    }
    if (key == "parallel") {
      const auto* n = node.as_integer();
      if (!n) return Status::InvalidArgument(setting + ": expected an integer, got " + TypeOf(node)).At(path, LineOf(node));
      if (n->get() < 1 || n->get() > 1000) {
        return Status::InvalidArgument(setting + ": must be between 1 and 1000").At(path, LineOf(node));
      }
      continue;
    }
    if (key == "urls") {
      const toml::array* items = node.as_array();
      if (!items) {
        return Status::InvalidArgument(setting + ": expected an array of strings, got " + TypeOf(node))
            .At(path, LineOf(node));
      }
      for (const toml::node& item : *items) {
        if (!item.is_string()) {
          return Status::InvalidArgument(setting + ": expected strings (URLs or environment names), got " +
                                         TypeOf(item))
              .At(path, LineOf(item));
        }
      }
      has_source = has_source || !items->empty();
      continue;
    }
    if (!node.is_string()) {
      return Status::InvalidArgument(setting + ": expected a string, got " + TypeOf(node)).At(path, LineOf(node));
    }
    if (key != "query_url") has_source = true;
  }
  if (!has_source) {
    return Status::InvalidArgument(prefix + ": lists no database")
        .At(path, line)
        .WithHint("set urls = [...], databases_query = \"SELECT ...\" or schemas_query = \"SELECT ...\"");
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

Status CheckFleets(const toml::node& node, const std::string& path) {
  const toml::table* fleets = node.as_table();
  if (!fleets) {
    return Status::InvalidArgument("fleet: expected a table of [fleet.NAME] sections, got " + TypeOf(node))
        .At(path, LineOf(node));
  }
  for (auto&& [name, fleet] : *fleets) {
    const std::string n(name.str());
    if (!fleet.is_table()) {
      return Status::InvalidArgument("fleet." + n + ": expected a table ([fleet." + n + "]), got " + TypeOf(fleet))
          .At(path, LineOf(fleet));
    }
    if (Status s = CheckFleet(*fleet.as_table(), n, path, LineOf(fleet)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace internal

Result<std::vector<FleetEntry>> ReadTargetsFile(const std::string& path, const GetEnv& getenv) {
  if (!util::Exists(path)) {
    return Status::NotFound("targets file not found").At(path).WithHint("check --targets FILE");
  }
  Result<std::string> content = util::ReadFile(path);
  if (!content.ok()) return content.status();
  std::vector<FleetEntry> out;
  int line = 0;
  for (const std::string& raw : util::SplitString(*content, '\n')) {
    ++line;
    std::string_view text = util::Trim(raw);
    if (text.empty() || text[0] == '#') continue;
    Result<std::string> value = internal::Interpolate(text, "target", getenv);
    if (!value.ok()) return value.status().At(path, line);
    std::string trimmed(util::Trim(*value));
    if (trimmed.empty()) {
      return Status::InvalidArgument("target: the line expands to nothing").At(path, line)
          .WithHint("set the variable it names, or remove the line");
    }
    out.push_back({std::move(trimmed), path, line});
  }
  return out;
}

Result<FleetSpec> LoadFleet(const std::string& config_path, const std::string& name, const GetEnv& getenv) {
  if (config_path.empty()) {
    return Status::NotFound("fleet '" + name + "' requested but there is no strata.toml")
        .WithHint("add [fleet." + name + "] to strata.toml, pass --config FILE, or use --targets FILE");
  }
  Result<std::string> content = util::ReadFile(config_path);
  if (!content.ok()) return content.status();
  Result<toml::table> root = internal::ParseToml(*content, config_path);
  if (!root.ok()) return root.status();
  const toml::table* fleets = root->get_as<toml::table>("fleet");
  const toml::table* table = fleets ? fleets->get_as<toml::table>(name) : nullptr;
  if (!table) {
    std::string defined;
    if (fleets) {
      for (auto&& [n, node] : *fleets) defined += (defined.empty() ? "" : ", ") + std::string(n.str());
    }
    return Status::NotFound("unknown fleet '" + name + "' in " + config_path +
                            "; defined: " + (defined.empty() ? std::string("none") : defined))
        .WithHint("use one of the defined names, or add [fleet." + name + "] to " + config_path);
  }
  if (Status s = CheckFleet(*table, name, config_path, LineOf(*table)); !s.ok()) return s;
  FleetSpec spec;
  spec.name = name;
  spec.file = config_path;
  spec.line = LineOf(*table);
  const std::string prefix = "fleet." + name + ".";
  auto expand = [&](const toml::node& node, const std::string& setting, std::string* out) -> Status {
    Result<std::string> v = internal::Interpolate(node.as_string()->get(), setting, getenv);
    if (!v.ok()) return v.status().At(config_path, LineOf(node));
    *out = std::string(util::Trim(*v));
    if (out->empty()) return Status::InvalidArgument(setting + ": must not be empty").At(config_path, LineOf(node));
    return Status::Ok();
  };
  for (auto&& [k, node] : *table) {
    const std::string key(k.str());
    Status s;
    if (key == "parallel") {
      spec.parallel = static_cast<int>(node.as_integer()->get());
    } else if (key == "urls") {
      int index = 0;
      for (const toml::node& item : *node.as_array()) {
        FleetEntry e;
        e.file = config_path;
        e.line = LineOf(item);
        s = expand(item, prefix + "urls[" + std::to_string(index++) + "]", &e.value);
        if (!s.ok()) return s;
        spec.urls.push_back(std::move(e));
      }
    } else if (key == "query_url") {
      spec.query_url_line = LineOf(node);
      s = expand(node, prefix + key, &spec.query_url);
    } else if (key == "databases_query") {
      spec.databases_query_line = LineOf(node);
      s = expand(node, prefix + key, &spec.databases_query);
    } else if (key == "schemas_query") {
      spec.schemas_query_line = LineOf(node);
      s = expand(node, prefix + key, &spec.schemas_query);
    }
    if (!s.ok()) return s;
  }
  return spec;
}

}  // namespace strata::config
