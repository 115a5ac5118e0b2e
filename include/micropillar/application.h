// Command-line front end: argument parsing, parameter reading and the
// single place where errors become one message and a non-zero exit code.
#ifndef micropillar_application_h
#define micropillar_application_h

namespace micropillar
{
  /// Run micropillar with the command line (argc, argv); MPI must be
  /// initialised. Returns the process exit code: 0 success, 1 bad input or
  /// usage, 2 a run that could not complete its load programme.
  int
  run_application(int argc, char **argv);
} // namespace micropillar

#endif
