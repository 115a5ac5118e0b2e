// SIGTERM, SIGINT, SIGUSR1 and SIGUSR2 ask a run to write a checkpoint after
// the current step and stop (exit code 3); see PillarSolver::run(). Under
// mpirun send SIGUSR1 to mpirun (it forwards it to every rank; on SIGTERM
// it kills its ranks before they can finish the step).
#ifndef micropillar_solver_signals_h
#define micropillar_solver_signals_h

namespace micropillar
{
  namespace solver
  {
    /// Install the handlers (idempotent).
    void
    install_signal_handlers();

    /// True once one of those signals has arrived in this process.
    bool
    stop_signal_received();
  } // namespace solver
} // namespace micropillar

#endif
