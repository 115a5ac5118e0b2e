#include <Epetra_Map.h>
#include <Epetra_MultiVector.h>
#include <Teuchos_ParameterList.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature.h>
#include <deal.II/base/utilities.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/petsc_precondition.h>
#include <deal.II/lac/petsc_solver.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_solver.h>
#include <micropillar/solver/linear_solver.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    namespace
    {
      // The six rigid-body modes of 3D elasticity at the locally owned DoFs
      // (translations and infinitesimal rotations about the axes), as the
      // near-null space of ML. deal.II 9.4 passes only the constant modes
      // (translations) to ML; the rotations cut the GMRES iterations on
      // slender and thin-layered meshes.
      std::unique_ptr<Epetra_MultiVector>
      rigid_body_modes(const DoFHandler<3> &dof, const Epetra_Map &map)
      {
        auto modes = std::make_unique<Epetra_MultiVector>(map, 6);
        const FiniteElement<3> &fe = dof.get_fe();
        const Quadrature<3>     support(fe.get_unit_support_points());
        FEValues<3> fe_values(fe, support, update_quadrature_points);
        std::vector<types::global_dof_index> indices(fe.n_dofs_per_cell());
        for (const auto &cell : dof.active_cell_iterators())
          if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            cell->get_dof_indices(indices);
            for (unsigned int i = 0; i < indices.size(); ++i)
            {
              const int lid = map.LID(static_cast<int>(indices[i]));
              if (lid < 0)
                continue;
              const unsigned int c    = fe.system_to_component_index(i).first;
              const Point<3>    &x    = fe_values.quadrature_point(i);
              double             v[6] = {0., 0., 0., 0., 0., 0.};
              v[c]                    = 1.;
              // rotations about z, x, y: (-y, x, 0), (0, -z, y), (z, 0, -x)
              v[3] = c == 0 ? -x[1] : (c == 1 ? x[0] : 0.);
              v[4] = c == 1 ? -x[2] : (c == 2 ? x[1] : 0.);
              v[5] = c == 0 ? x[2] : (c == 2 ? -x[0] : 0.);
              for (unsigned int m = 0; m < 6; ++m)
                (*modes)[m][lid] = v[m];
            }
          }
        return modes;
      }

      // Absolute Krylov tolerance from the relative one; a zero right-hand
      // side is solved by x = 0.
      double
      krylov_tolerance(const double rhs_norm, const LinearSolverParameters &prm)
      {
        return std::max(prm.relative_tolerance * rhs_norm, 1e-300);
      }

      // Krylov iterations of the last solve: SolverControl::last_step() is
      // invalid_unsigned_int when the Trilinos solver stopped on an error
      // before its first check (e.g. a breakdown); count that as the limit.
      unsigned int
      krylov_steps(const SolverControl &control)
      {
        const unsigned int n = control.last_step();
        return n == numbers::invalid_unsigned_int ? control.max_steps() : n;
      }

      // Method = direct: the direct solve. Method = AMG: the Krylov solve,
      // and if it throws (no convergence) and the fallback is on, the
      // direct solve of the same system from x = 0. Never throws.
      template <typename VectorType, typename Direct, typename Iterative>
      LinearSolveResult
      solve_with_fallback(const LinearSolverParameters &prm,
                          const SolverControl          &control,
                          VectorType                   &x,
                          LinearSolverState            &state,
                          const Direct                 &direct,
                          const Iterative              &iterative)
      {
        LinearSolveResult result;
        try
        {
          if (prm.method == "direct")
            direct();
          else
            iterative();
          result.converged  = true;
          result.iterations = krylov_steps(control);
          if (prm.method != "direct")
            state.n_krylov_iterations += result.iterations;
          return result;
        }
        catch (const std::exception &e)
        {
          result.iterations = krylov_steps(control);
          result.message    = e.what();
          if (prm.method != "direct")
            state.n_krylov_iterations += result.iterations;
        }
        if (prm.method != "direct" && prm.direct_fallback)
          try
          {
            x = 0.;
            direct();
            result.converged     = true;
            result.used_fallback = true;
          }
          catch (const std::exception &e)
          {
            result.message += std::string("; direct fallback: ") + e.what();
          }
        return result;
      }

      double
      seconds_since(const std::chrono::steady_clock::time_point start)
      {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start)
          .count();
      }
    } // namespace

    void
    debug_memory(const char *where, const bool always)
    {
      static const bool on = std::getenv("MICROPILLAR_DEBUG_MEMORY") != nullptr;
      static double     last_peak = 0.;
      if (!on)
        return;
      Utilities::System::MemoryStats mem;
      Utilities::System::get_memory_stats(mem);
      const double peak = mem.VmHWM / 1024.;
      if (!always && peak <= last_peak + 2.)
        return;
      last_peak = peak;
      std::fprintf(stderr,
                   "memory rank %u: %s: VmRSS %.1f MB, VmHWM %.1f MB\n",
                   Utilities::MPI::this_mpi_process(MPI_COMM_WORLD),
                   where,
                   mem.VmRSS / 1024.,
                   peak);
    }

    // The stored ML hierarchy and what it was built for.
    struct LinearSolverState::Cache
    {
      std::unique_ptr<Epetra_MultiVector>                modes;
      std::unique_ptr<TrilinosWrappers::PreconditionAMG> amg;
      const void  *matrix = nullptr;     // the Epetra matrix it was built on
      unsigned int uses   = 0;           // solves with it
      unsigned int fresh_iterations = 0; // of the first solve
      bool         stale            = false; // rebuild before the next solve
    };

    LinearSolverState::LinearSolverState()
        : cache(std::make_unique<Cache>())
    {
    }

    LinearSolverState::~LinearSolverState() = default;

    void
    LinearSolverState::clear()
    {
      cache = std::make_unique<Cache>();
    }

    LinearSolveResult
    solve_linear_system(const PETScWrappers::MPI::SparseMatrix &A,
                        PETScWrappers::MPI::Vector             &x,
                        const PETScWrappers::MPI::Vector       &b,
                        const LinearSolverParameters           &prm,
                        const DoFHandler<3> & /*dof*/,
                        LinearSolverState &state)
    {
      const double b_norm = b.l2_norm();
      x                   = 0.;
      if (b_norm == 0.)
      {
        LinearSolveResult result;
        result.converged = true;
        return result;
      }
      const MPI_Comm comm = A.get_mpi_communicator();
      SolverControl  control(prm.max_iterations, krylov_tolerance(b_norm, prm));
      auto           direct = [&]()
      {
        PETScWrappers::SparseDirectMUMPS mumps(control, comm);
        mumps.solve(A, x, b);
      };
      auto iterative = [&]()
      {
        PETScWrappers::PreconditionBoomerAMG::AdditionalData data;
        data.symmetric_operator = false;
        data.strong_threshold   = 0.5; // recommended for 3D
        const auto start        = std::chrono::steady_clock::now();
        PETScWrappers::PreconditionBoomerAMG amg(A, data);
        state.amg_setup_seconds += seconds_since(start);
        ++state.n_amg_setups;
        PETScWrappers::SolverGMRES gmres(
          control, comm, PETScWrappers::SolverGMRES::AdditionalData(100));
        gmres.solve(A, x, b, amg);
      };
      return solve_with_fallback(prm, control, x, state, direct, iterative);
    }

    LinearSolveResult
    solve_linear_system(const TrilinosWrappers::SparseMatrix &A,
                        TrilinosWrappers::MPI::Vector        &x,
                        const TrilinosWrappers::MPI::Vector  &b,
                        const LinearSolverParameters         &prm,
                        const DoFHandler<3>                  &dof,
                        LinearSolverState                    &state)
    {
      const double b_norm = b.l2_norm();
      x                   = 0.;
      if (b_norm == 0.)
      {
        LinearSolveResult result;
        result.converged = true;
        return result;
      }
      SolverControl control(prm.max_iterations, krylov_tolerance(b_norm, prm));
      LinearSolverState::Cache &cache  = *state.cache;
      auto                      direct = [&]()
      {
        // A direct solve after a failed Krylov solve (the fallback): the ML
        // hierarchy failed on this system, so it is released before MUMPS
        // factorises (the fallback's peak memory is then MUMPS's alone,
        // issue 16) and the next AMG solve builds a new one (before, it
        // first tried this one again).
        if (cache.amg)
        {
          cache.amg.reset();
          cache.modes.reset();
          cache.matrix = nullptr;
          debug_memory("after releasing the ML hierarchy", true);
        }
        TrilinosWrappers::SolverDirect klu(
          control,
          TrilinosWrappers::SolverDirect::AdditionalData(false,
                                                         "Amesos_Mumps"));
        klu.solve(A, x, b);
        debug_memory("after a direct (MUMPS) solve");
      };
      auto build = [&]()
      {
        const auto start = std::chrono::steady_clock::now();
        cache.amg.reset();
        TrilinosWrappers::PreconditionAMG::AdditionalData data;
        data.elliptic              = true;
        data.higher_order_elements = dof.get_fe().degree > 1;
        data.smoother_sweeps       = prm.smoother_sweeps;
        data.smoother_overlap      = prm.smoother_overlap;
        data.aggregation_threshold = prm.aggregation_threshold;
        data.smoother_type         = state.fallback_smoother_active
                                       ? prm.fallback_smoother.c_str()
                                       : prm.smoother.c_str();
        DoFTools::extract_constant_modes(dof,
                                         ComponentMask(3, true),
                                         data.constant_modes);
        Teuchos::ParameterList              ml;
        std::unique_ptr<Epetra_MultiVector> translations;
        data.set_parameters(ml, translations, A);
        const Epetra_Map &map = A.trilinos_matrix().OperatorDomainMap();
        cache.modes           = rigid_body_modes(dof, map);
        ml.set("null space: type", "pre-computed");
        ml.set("null space: dimension", cache.modes->NumVectors());
        ml.set("null space: vectors", cache.modes->Values());
        cache.amg = std::make_unique<TrilinosWrappers::PreconditionAMG>();
        cache.amg->initialize(A, ml);
        debug_memory("after the ML set-up");
        cache.matrix           = &A.trilinos_matrix();
        cache.uses             = 0;
        cache.fresh_iterations = 0;
        cache.stale            = false;
        state.amg_setup_seconds += seconds_since(start);
        ++state.n_amg_setups;
      };
      auto primary = [&]()
      {
        bool fresh = !cache.amg || cache.stale ||
                     cache.matrix != &A.trilinos_matrix() ||
                     cache.uses >= prm.amg_setup_reuse;
        if (fresh)
          build();
        TrilinosWrappers::SolverGMRES gmres(
          control, TrilinosWrappers::SolverGMRES::AdditionalData(false, 100));
        try
        {
          gmres.solve(A, x, b, *cache.amg);
          debug_memory("after a GMRES solve");
        }
        catch (const std::exception &)
        {
          if (fresh)
            throw;
          // A stored hierarchy failed: build a new one and solve again.
          state.n_krylov_iterations += krylov_steps(control);
          x = 0.;
          build();
          fresh = true;
          gmres.solve(A, x, b, *cache.amg);
        }
        ++cache.uses;
        if (fresh)
          cache.fresh_iterations = krylov_steps(control);
        else if (krylov_steps(control) > 1.5 * cache.fresh_iterations + 5)
          cache.stale = true;
      };
      auto iterative = [&]()
      {
        try
        {
          primary();
        }
        catch (const std::exception &)
        {
          if (prm.fallback_smoother == "none" || state.fallback_smoother_active)
            throw;
          // GMRES failed with 'AMG smoother' on a fresh hierarchy: the same
          // system once more with the fallback smoother (kept if it works).
          state.n_krylov_iterations += krylov_steps(control);
          x                              = 0.;
          state.fallback_smoother_active = true;
          cache.stale                    = true; // rebuild, fallback smoother
          try
          {
            primary();
          }
          catch (const std::exception &)
          {
            state.fallback_smoother_active = false;
            throw;
          }
          ++state.n_smoother_fallbacks;
        }
      };
      return solve_with_fallback(prm, control, x, state, direct, iterative);
    }
  } // namespace solver
} // namespace micropillar
