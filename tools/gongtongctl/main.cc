// gongtongctl: the command-line client of the Gongtong suite (README.md).
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return gongtongctl::Run(args, gongtongctl::ProcessEnv(), std::cin, std::cout, std::cerr);
}
