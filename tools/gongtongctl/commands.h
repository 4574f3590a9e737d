// The command dispatcher of gongtongctl: argv in, exit code out. main() only
// wires the process's streams and environment into Run().
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "args.h"

namespace gongtongctl {

// Runs gongtongctl with `argv` (without the program name) and returns the
// process exit code (exit_codes.h).
int Run(const std::vector<std::string>& argv, const EnvLookup& env, std::istream& in,
        std::ostream& out, std::ostream& err);

}  // namespace gongtongctl
