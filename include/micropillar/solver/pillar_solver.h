// The pillar compression solver: total-Lagrangian finite strain on a
// parallel::distributed::Triangulation, Newton-Raphson with the consistent
// tangent and a backtracking line search, adaptive load steps with cutback,
// coupled fields, curve and field output, checkpoint/restart.
//
// Weak form (no body forces; Dirichlet loading, or the punch as penalty
// contact with Coulomb friction, solver/contact.h):
//   R(u) = int_Omega0 P_eff : Grad(delta u) dV - int_Gc t_c . delta u dA = 0,
// with P_eff = P(F) for Q1 and Q2, and for Q1 F-bar (de Souza Neto, Peric,
// Dutko, Owen 1996, IJSS 33) the model is evaluated at
//   Fbar = (J0/J)^(1/3) F,  J0 = det F at the cell centre,
// and P_eff = J sigma(Fbar) F^-T = (J/J0)^(2/3) P(Fbar); the tangent then
// has an extra rank-one coupling to the centre gradient (assembly.cc).
//
// One class holds the state of a run; its members are defined in
// source/solver/ by responsibility (as ASPECT's Simulator):
//   core.cc           construction, mesh, DoFs, constraints, point histories,
//                     run_pillar() (the package switch)
//   assembly.cc       internal force and tangent (F-bar), residual norms,
//                     punch force, reference area
//   contact_assembly.cc  Coulomb punch contact: candidate faces, penalty
//                     forces and tangent, contact history
//   newton.cc         boundary values, the Newton iteration with line search
//   load_stepping.cc  the run loop: predictor, machine spring, coupled
//                     fields (operator split or staggered), cutback, growth
//   field_output.cc   PVTU fields and the fields.pvd time series, volume
//                     averages for the curve, the run summary
//   checkpoint.cc     checkpoint and restart
// Each file instantiates the class for PETSc and Trilinos
// (MICROPILLAR_INSTANTIATE_PILLAR_SOLVER). Coupled fields implement
// solver/coupled_field.h.
#ifndef micropillar_solver_pillar_solver_h
#define micropillar_solver_pillar_solver_h

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>
#include <limits>
#include <memory>
#include <micropillar/constitutive/interface.h>
#include <micropillar/loading/punch.h>
#include <micropillar/solver/contact.h>
#include <micropillar/solver/coupled_field.h>
#include <micropillar/solver/linear_solver.h>
#include <micropillar/solver/parameters.h>
#include <micropillar/solver/point_history.h>
#include <mpi.h>
#include <string>
#include <utility>
#include <vector>

namespace micropillar
{
  namespace output
  {
    class CurveFile;
  }

  namespace solver
  {
    /// Exit codes of a run.
    enum ExitCode : int
    {
      success         = 0,
      input_error     = 1,
      run_stopped     = 2, // the load programme could not be completed
      run_interrupted = 3, // SIGTERM/SIGINT: checkpoint written, resumable
      run_fault       = 4, // I/O or internal fault (solver/faults.h); the last
                           // checkpoint is kept
    };

    /// Run one pillar test with the linear-algebra package named in
    /// @p params. @p prm must hold the parsed file (the models read their
    /// subsections from it). Returns an ExitCode.
    int
    run_pillar(const RunParameters      &params,
               dealii::ParameterHandler &prm,
               const MPI_Comm            comm);

    /// Linear-algebra type bundles.
    struct PETScAlgebra
    {
      using Vector       = dealii::PETScWrappers::MPI::Vector;
      using SparseMatrix = dealii::PETScWrappers::MPI::SparseMatrix;
    };

    struct TrilinosAlgebra
    {
      using Vector       = dealii::TrilinosWrappers::MPI::Vector;
      using SparseMatrix = dealii::TrilinosWrappers::SparseMatrix;
    };

    /// The solver of one run for one package (LA = PETScAlgebra or
    /// TrilinosAlgebra). See the file comment for where each part lives.
    template <typename LA>
    class PillarSolver
    {
    public:
      using VectorType = typename LA::Vector;
      using MatrixType = typename LA::SparseMatrix;
      using History =
        dealii::CellDataStorage<dealii::Triangulation<3>::cell_iterator,
                                PointHistory>;

      PillarSolver(const RunParameters      &params,
                   dealii::ParameterHandler &prm,
                   const MPI_Comm            comm);

      /// Run the load programme (or resume it from the checkpoint).
      int
      run();

    private:
      // Outcome of one attempt at a load step.
      struct StepResult
      {
        bool         converged  = false;
        unsigned int iterations = 0; // summed over machine-spring solves
        unsigned int max_solve_iterations = 0; // of one Newton solve
        std::string  reason;
      };

      // ---- core.cc ----
      void
      make_grid();
      void
      setup_system();
      void
      initialise_history();
      void
      make_constraints();
      void
      check_material_ids() const;

      // ---- assembly.cc ----
      /// Assemble the internal-force vector (and the tangent if
      /// @p with_matrix) at the current solution. Returns false if a
      /// material point failed anywhere (consistent on all ranks; the
      /// failure is named in point_failure).
      bool
      assemble(const double dt, const bool with_matrix);
      /// Residual norm on the free DoFs and reaction norm on the constrained
      /// ones, from the last assemble().
      std::pair<double, double>
      residual_norms();
      double
      punch_force() const;
      double
      reference_area() const;

      // ---- contact_assembly.cc (Punch contact = Coulomb) ----
      /// Find the candidate faces of the locally owned cells, size their
      /// contact history and set the penalty (collective).
      void
      setup_contact();
      /// Add the contact forces and (if @p with_matrix) their tangent at the
      /// current solution, the punch at current_punch_displacement; fills
      /// contact_force_local and the new contact states. Called inside
      /// assemble() on the locally owned cells.
      void
      assemble_contact(const bool with_matrix);
      /// Copy the new contact states to the old ones (a converged step).
      void
      accept_contact();
      /// Cell fields of the field output: per locally owned cell with
      /// contact points, the mean pressure of its points in contact [MPa],
      /// their reference area [µm^2] (so that the sum of pressure x area is
      /// the punch force) and the state 0 (no point in contact) or
      /// 1 + the slipping fraction of its points in contact (1: all stick,
      /// 2: all slip), from the last assembly. Other cells: 0.
      void
      contact_cell_fields(dealii::Vector<float> &pressure,
                          dealii::Vector<float> &area,
                          dealii::Vector<float> &state) const;
      // ---- newton.cc ----
      /// Impose the punch displacement (and zero elsewhere) on the
      /// constrained DoFs of @p u.
      void
      apply_boundary_values(const double punch_displacement, VectorType &u);
      /// Newton iteration with line search from the current, assembled
      /// iterate (solution, internal_force, K) to the equilibrium of the step.
      StepResult
      newton_iterate(const double dt);
      /// Diagnostic (MICROPILLAR_DEBUG_TANGENT_FD set; "restore" for
      /// @p restore): a Taylor test of the assembled tangent along the
      /// Newton direction newton_update from @p base. As K du = -R(u),
      /// |R(u + h du) - (1 - h) R(u)| / (h |R(u)|) is O(h) for a
      /// consistent tangent and does not fall with h otherwise. It first
      /// assembles R at u again ("h=0"), prints where R, du and the
      /// linearisation error at h = 1e-4 are largest, and reports the
      /// quadrature points whose Cauchy stress does not fall with h
      /// (|dsigma(1e-6)| > 0.3 |dsigma(1e-5)|: not continuous in F). With
      /// @p restore, every evaluation starts from the points' states at u,
      /// so that only the dependence on F is tested. Leaves solution at
      /// @p base (rhs, K and the point states are those of the last
      /// evaluation; the line search reassembles).
      void
      debug_tangent_check(const double      dt,
                          const VectorType &base,
                          const bool        restore);
      /// Every locally owned point's new_state, in cell order (a line
      /// search restores it after a rejected trial, so that what a material
      /// point chose at that trial, e.g. the crystal's per-step sub-step
      /// count, does not change the residual of the trials after it).
      std::vector<std::vector<double>>
      point_states() const;
      void
      restore_point_states(const std::vector<std::vector<double>> &states);

      // ---- load_stepping.cc ----
      /// Predictor for a step to punch displacement @p d_new (extrapolated
      /// increment, or homogeneous compression at the first step; or the
      /// current iterate if @p from_current), assembled. Returns false if a
      /// material point failed even from the last converged state.
      bool
      predict(const double d_new, const double dt, const bool from_current);
      /// Smallest ratio J/J_old of det F over the quadrature points of the
      /// current iterate to the last converged step (all ranks), and where
      /// it is (the cell centre, for messages).
      double
      min_jacobian_ratio(std::string &where);
      /// Predictor and Newton solve of the step to time + dt with the punch
      /// at @p punch_displacement.
      StepResult
      solve_step(const double punch_displacement,
                 const double dt,
                 const bool   from_current = false);
      /// The step with a machine spring: a secant iteration on the punch
      /// displacement d_p with d_p + F(d_p)/k = d_machine, each evaluation a
      /// Newton solve. Returns the converged punch displacement in @p d_p.
      /// With @p from_current (a later staggered pass of the same step) the
      /// iteration starts from the current iterate at the punch
      /// displacement @p d_p holds (the last pass's solution), not from
      /// the predictor, and its first correction of d_p uses
      /// @p local_stiffness (if finite), the pillar's dF/dd_p that the last
      /// pass's secant iteration measured; the iteration stores its latest
      /// secant there.
      StepResult
      solve_step_with_machine(const double d_machine,
                              const double dt,
                              double      &d_p,
                              const bool   from_current    = false,
                              double      *local_stiffness = nullptr);
      /// The displacement solve of a step (with or without the machine) and
      /// the coupled fields: staggered ones alternate with it until they
      /// settle, operator-split ones run once after it.
      StepResult
      solve_coupled_step(const double d_programme,
                         const double dt,
                         double      &d_new);
      void
      accept_step();

      // ---- field_output.cc ----
      void
      volume_averages(std::vector<double> &values) const;
      /// PVTU fields of the converged step and its record in fields.pvd.
      void
      write_fields(const unsigned int step,
                   const double       strain,
                   const double       stress);
      /// Rewrite fields.pvd (time series by time [s]) and
      /// fields_by_strain.pvd (the same frames by engineering strain) from
      /// field_frames (rank 0).
      void
      write_pvd_records() const;
      void
      print_run_summary(const double wall_time) const;
      /// Newton/Viscous stabilisation: adds nu m_i (u_i - u_i,n)/dt to the
      /// internal force of every free owned DoF (and nu m_i/dt to K's
      /// diagonal); stabilisation_work(dt): its work over the step,
      /// sum nu m_i (u_i - u_i,n)^2/dt over all ranks [µN µm].
      void
      add_stabilisation(const double dt, const bool with_matrix);
      double
      stabilisation_work(const double dt) const;

      // ---- checkpoint.cc ----
      std::string
      checkpoint_directory() const;
      /// The "Path/Entry = value" lines a restart may not change (mesh,
      /// element, materials, constraints) and the state layout.
      std::vector<std::string>
      restart_fingerprint(dealii::ParameterHandler &prm) const;
      /// Write a checkpoint of everything a restart needs into
      /// Output directory/checkpoint (atomically: a kill while writing
      /// leaves the previous checkpoint intact).
      void
      write_checkpoint();
      /// Rebuild mesh, DoFs, vectors, point histories, coupled fields and
      /// the time-stepping and output state from the checkpoint.
      void
      load_checkpoint();

      const RunParameters        &params;
      MPI_Comm                    comm;
      dealii::ConditionalOStream  pcout;
      mutable dealii::TimerOutput timer;

      dealii::parallel::distributed::Triangulation<3> triangulation;
      std::unique_ptr<dealii::FESystem<3>>            fe;
      dealii::DoFHandler<3>                           dof_handler;
      std::unique_ptr<dealii::Quadrature<3>>          quadrature;
      bool                                            f_bar;
      // Per material id: F-bar on (false for Finite element/Plain Q1
      // materials).
      std::vector<bool> f_bar_material;

      dealii::IndexSet                  locally_owned;
      dealii::IndexSet                  locally_relevant;
      dealii::AffineConstraints<double> constraints; // homogeneous Dirichlet
      dealii::IndexSet punch_axial_dofs;             // owned, z on punch face

      MatrixType K;
      VectorType solution;         // ghosted, current iterate
      VectorType solution_old;     // ghosted, last converged step
      VectorType solution_older;   // owned, the step before (predictor)
      VectorType unit_compression; // owned, u_z = -z/L0 in the pillar
      VectorType internal_force;   // owned, unconstrained R_int
      VectorType rhs;              // owned, -R_int on free DoFs
      VectorType newton_update;    // owned
      // Newton/Viscous stabilisation: int N_i dV of each owned DoF's node
      // (reference volume, lumped), and the stabilisation's and the
      // punch's work summed over this run's converged steps [µN µm].
      VectorType lumped_volume;
      double     stabilisation_work_total = 0.;
      double     external_work_total      = 0.;
      // Krylov iteration and AMG set-up counts, the stored AMG hierarchy
      // (linear_solver.h; run summary).
      LinearSolverState linear_solver_state;
      // Linear solves that the direct fallback rescued (run summary).
      unsigned int n_direct_fallbacks = 0;
      // Steps whose extrapolated predictor failed and that were started
      // again from the last converged state (run summary).
      unsigned int n_plain_predictors = 0;
      // Converged steps cut back by Time stepping/Maximum volume loss per
      // step (run summary).
      unsigned int n_volume_cutbacks = 0;
      // Staggered iterations of the coupled fields (run summary).
      unsigned int n_staggered_iterations = 0;
      // What made the last assemble() fail (for the step's message).
      std::string point_failure;

      std::vector<std::unique_ptr<constitutive::Model>> models;
      std::vector<std::string> output_names; // union over the models
      // Per output name: its volume average goes to the curve (false if
      // any model flags it as an identifier, Model::output_is_averaged).
      std::vector<bool>                      output_averaged;
      std::vector<std::vector<unsigned int>> output_map; // model -> union
      History                                history;

      // Fields coupled to the displacement (free-volume diffusion first).
      std::vector<std::unique_ptr<CoupledField>> coupled_fields;
      // Those that modify the material response (the damage), in order.
      std::vector<CoupledField *> response_fields;
      unsigned int                n_field_point_values = 0;
      loading::FlatPunch          punch;
      double                      time                     = 0.;
      double                      displacement_old         = 0.;
      double                      machine_displacement_old = 0.;
      double                      force_old                = 0.;
      double                      pillar_stiffness = 0.; // secant dF/dd_p
      // The pillar's stiffness dF/dd_p at fixed time and damage, as the
      // machine-spring iteration last measured it between two solves of
      // one step (NaN: not yet); the first correction of a step uses it
      // (solve_step_with_machine). Checkpointed.
      double machine_measured_stiffness =
        std::numeric_limits<double>::quiet_NaN();
      double       last_increment = 0.;
      double       increment      = 0.; // strain, next step
      unsigned int step           = 0;
      // restart_fingerprint() of this run's prm file.
      std::vector<std::string> fingerprint;
      // Every field output so far (fields.pvd, fields_by_strain.pvd).
      struct FieldFrame
      {
        double      time;
        double      strain;
        double      stress;
        std::string file; // the .pvtu, relative to the output directory
      };
      std::vector<FieldFrame> field_frames;
      // Coulomb punch contact (solver/contact.h): on, its per-point history
      // on the locally owned cells with candidate faces, the penalty
      // [MPa/µm], the punch position of the current iterate and this rank's
      // part of the contact force of the last assembly (compression
      // positive) and its active and slipping points.
      bool contact_on = false;
      dealii::CellDataStorage<dealii::Triangulation<3>::cell_iterator,
                              contact::CellHistory>
                   contact_history;
      double       contact_penalty            = 0.;
      double       current_punch_displacement = 0.;
      double       contact_force_local        = 0.;
      unsigned int contact_active_local       = 0;
      unsigned int contact_slipping_local     = 0;
      // Sliding punch: this rank's part of the tangential (x) contact force
      // on the pillar [µN] of the last assembly.
      double contact_tangential_local = 0.;
      // Test hook: the step (1-based) whose first Newton update is
      // poisoned with a NaN; from the environment variable
      // MICROPILLAR_TEST_INJECT_NAN_AT_STEP (tests/regression/nan_test.py).
      unsigned int inject_nan_at_step = 0;
      bool         nan_injected       = false;
    };
  } // namespace solver
} // namespace micropillar

/// Explicit instantiations, at the end of each source/solver/ file that
/// defines members of PillarSolver.
#define MICROPILLAR_INSTANTIATE_PILLAR_SOLVER       \
  namespace micropillar                             \
  {                                                 \
    namespace solver                                \
    {                                               \
      template class PillarSolver<PETScAlgebra>;    \
      template class PillarSolver<TrilinosAlgebra>; \
    }                                               \
  }

#endif
