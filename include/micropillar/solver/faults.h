// Faults: what stops a run that is not bad input. A file-system error
// (full disk, a blocked or unwritable directory), an exception from a
// library or a material point inside a step. A run that meets one ends
// with exit code 4 (ExitCode::run_fault), run_status.txt "stopped: fault:
// ...", and its last complete checkpoint untouched.
//
// Under MPI an error may happen on one rank only (rank 0 writes the curve
// and the checkpoint's small files; each rank writes its field piece; a
// material point throws on the rank that owns it). collective() runs such a
// part on every rank and turns an error on any rank into a RunFault thrown
// on every rank, so no rank is left waiting in a collective call.
#ifndef micropillar_solver_faults_h
#define micropillar_solver_faults_h

#include <cstdint>
#include <mpi.h>
#include <stdexcept>
#include <string>

namespace micropillar
{
  namespace solver
  {
    /// A fault, thrown on every rank at once (see collective()).
    class RunFault : public std::runtime_error
    {
    public:
      using std::runtime_error::runtime_error;
    };

    /// The first non-empty @p message over the ranks of @p comm ("rank R:
    /// message"; collective). Empty if every rank passes an empty one.
    std::string
    first_error(const MPI_Comm comm, const std::string &message);

    /// Run @p f on every rank of @p comm; if it throws on any rank, throw a
    /// RunFault "<what>: rank R: <message>" on every rank.
    template <typename F>
    void
    collective(const MPI_Comm comm, const std::string &what, F &&f)
    {
      std::string message;
      try
      {
        f();
      }
      catch (const std::exception &e)
      {
        message = e.what();
        if (message.empty())
          message = "unknown error";
      }
      catch (...)
      {
        message = "unknown error";
      }
      const std::string error = first_error(comm, message);
      if (!error.empty())
        throw RunFault(what + ": " + error);
    }

    /// Test hook for tests/regression/faults_test.py: if the environment
    /// variable MICROPILLAR_TEST_FAULT is "SITE:RANK" or "SITE:RANK:STEP"
    /// with this @p site, this process's rank and (if given) this @p step,
    /// throw std::runtime_error("injected fault at SITE"). Sites: assembly,
    /// curve, fields, checkpoint, uncaught (an exception outside every
    /// collective part, which ends an MPI run through MPI_Abort).
    void
    inject_fault(const char        *site,
                 const MPI_Comm     comm,
                 const unsigned int step);

    /// 64-bit FNV-1a checksum of a file's bytes and its size (for the
    /// checkpoint manifest). Throws std::runtime_error if it cannot be read.
    std::pair<std::uint64_t, std::uint64_t>
    file_checksum(const std::string &path);
  } // namespace solver
} // namespace micropillar

#endif
