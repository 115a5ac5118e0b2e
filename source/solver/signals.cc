#include <csignal>
#include <micropillar/solver/signals.h>

namespace micropillar
{
  namespace solver
  {
    namespace
    {
      volatile std::sig_atomic_t stop_signal = 0;

      extern "C" void
      handle_stop_signal(int)
      {
        stop_signal = 1;
      }
    } // namespace

    void
    install_signal_handlers()
    {
      std::signal(SIGTERM, handle_stop_signal);
      std::signal(SIGINT, handle_stop_signal);
      // mpirun kills the job (SIGTERM, then SIGKILL after a few seconds)
      // when it receives SIGTERM/SIGINT, but forwards SIGUSR1/SIGUSR2 to
      // every rank: `kill -USR1 <mpirun pid>` stops a parallel run cleanly.
      std::signal(SIGUSR1, handle_stop_signal);
      std::signal(SIGUSR2, handle_stop_signal);
    }

    bool
    stop_signal_received()
    {
      return stop_signal != 0;
    }
  } // namespace solver
} // namespace micropillar
