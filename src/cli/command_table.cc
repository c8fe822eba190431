#include "cli/command_table.h"

namespace strata::cli {

std::vector<OptionInfo> OptionsOf(const CLI::App& app) {
  std::vector<OptionInfo> out;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_lnames() == std::vector<std::string>{"help"}) continue;
    OptionInfo info;
    for (const auto& s : o->get_snames()) info.names.push_back("-" + s);
    for (const auto& l : o->get_lnames()) info.names.push_back("--" + l);
    if (info.names.empty()) info.positional = o->get_name(true);
    if (o->get_items_expected_max() > 0) {
      info.value = o->get_type_name();
      if (info.value.empty()) info.value = info.positional.empty() ? "VALUE" : info.positional;
    }
    info.description = o->get_description();
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<CommandInfo> CommandsOf(const CLI::App& root) {
  std::vector<CommandInfo> out;
  for (const CLI::App* sub : root.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
    CommandInfo c;
    c.name = sub->get_name();
    c.description = sub->get_description();
    c.footer = sub->get_footer();
    if (size_t global = c.footer.find("\n\nGlobal options ("); global != std::string::npos) c.footer.resize(global);
    c.options = OptionsOf(*sub);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace strata::cli
