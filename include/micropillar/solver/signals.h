// SIGTERM and SIGINT ask a run to write a checkpoint after the current step
// and stop (exit code 3); see PillarSolver::run().
#ifndef micropillar_solver_signals_h
#define micropillar_solver_signals_h

namespace micropillar
{
  namespace solver
  {
    /// Install the handlers (idempotent).
    void
    install_signal_handlers();

    /// True once SIGTERM or SIGINT has arrived in this process.
    bool
    stop_signal_received();
  } // namespace solver
} // namespace micropillar

#endif
