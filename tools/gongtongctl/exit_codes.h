// Process exit codes of gongtongctl, shared by every command.
#pragma once

namespace gongtongctl {

inline constexpr int kExitOk = 0;         // call OK / health SERVING / command done
inline constexpr int kExitFailed = 1;     // the server answered with an error, or health is not SERVING
inline constexpr int kExitTransport = 2;  // UNAVAILABLE or DEADLINE_EXCEEDED: no usable answer
inline constexpr int kExitUsage = 3;      // bad flags, unknown method, invalid JSON, bad key file, ...
inline constexpr int kExitRejected = 4;   // import: the stream finished but some rows were REJECTED

}  // namespace gongtongctl
