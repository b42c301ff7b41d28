#pragma once
#include <string>
#include <vector>

namespace lite {

// Non-empty when LITE_ISA named a path this CPU cannot run (the addon refuses to load).
const std::string& isa_error();

// The paths this CPU can run, best last.
std::vector<std::string> available_isas();

}  // namespace lite
