// Implementation of the pillar solver; included only by
// source/solver/pillar_solver_{petsc,trilinos}.cc. See pillar_solver.h.
#ifndef micropillar_solver_pillar_solver_templates_h
#define micropillar_solver_pillar_solver_templates_h

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/quadrature_point_data.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/generic_linear_algebra.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <memory>
#include <micropillar/constitutive/registry.h>
#include <micropillar/loading/punch.h>
#include <micropillar/output/curve_file.h>
#include <micropillar/solver/linear_solver.h>
#include <micropillar/solver/pillar_solver.h>
#include <micropillar/solver/point_history.h>
#include <micropillar/solver/signals.h>
#include <micropillar/solver/state_diffusion.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;
    using constitutive::Tensor2;
    using constitutive::Tensor4;

    struct PETScAlgebra
    {
      using Vector       = PETScWrappers::MPI::Vector;
      using SparseMatrix = PETScWrappers::MPI::SparseMatrix;
    };

    struct TrilinosAlgebra
    {
      using Vector       = TrilinosWrappers::MPI::Vector;
      using SparseMatrix = TrilinosWrappers::SparseMatrix;
    };

    template <typename LA>
    class PillarSolver
    {
    public:
      using VectorType = typename LA::Vector;
      using MatrixType = typename LA::SparseMatrix;

      PillarSolver(const RunParameters &params,
                   ParameterHandler    &prm,
                   const MPI_Comm       comm);

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

      void
      make_grid();
      void
      setup_system();
      void
      initialise_history();
      void
      make_constraints();
      /// Assemble the internal-force vector (and the tangent if
      /// @p with_matrix) at the current solution. Returns false if a
      /// material point failed anywhere (consistent on all ranks).
      bool
      assemble(const double dt, const bool with_matrix);
      /// Residual norm on the free DoFs and reaction norm on the constrained
      /// ones, from the last assemble().
      std::pair<double, double>
      residual_norms();
      void
      apply_boundary_values(const double punch_displacement, VectorType &u);
      /// Newton solve of the step to time + dt with the punch at
      /// @p punch_displacement, starting from the extrapolated predictor or
      /// (@p from_current) from the current iterate.
      StepResult
      solve_step(const double punch_displacement,
                 const double dt,
                 const bool   from_current = false);
      /// The step with a machine spring: a secant iteration on the punch
      /// displacement d_p with d_p + F(d_p)/k = d_machine, each evaluation a
      /// Newton solve. Returns the converged punch displacement in @p d_p.
      StepResult
      solve_step_with_machine(const double d_machine,
                              const double dt,
                              double      &d_p);
      void
      accept_step();
      double
      punch_force() const;
      double
      reference_area() const;
      std::string
      checkpoint_directory() const;
      void
      check_material_ids() const;
      void
      volume_averages(std::vector<double> &values) const;
      void
      write_fields(const unsigned int step) const;
      /// Write a checkpoint of everything a restart needs into
      /// Output directory/checkpoint (atomically: a kill while writing
      /// leaves the previous checkpoint intact).
      void
      write_checkpoint();
      /// Rebuild mesh, DoFs, vectors, point histories and the time-stepping
      /// state from the checkpoint; returns its step.
      void
      load_checkpoint();

      const RunParameters &params;
      MPI_Comm             comm;
      ConditionalOStream   pcout;
      mutable TimerOutput  timer;

      parallel::distributed::Triangulation<3> triangulation;
      std::unique_ptr<FESystem<3>>            fe;
      DoFHandler<3>                           dof_handler;
      std::unique_ptr<Quadrature<3>>          quadrature;
      bool                                    f_bar;

      IndexSet                  locally_owned;
      IndexSet                  locally_relevant;
      AffineConstraints<double> constraints;      // homogeneous Dirichlet
      IndexSet                  punch_axial_dofs; // owned, z on punch face

      MatrixType K;
      VectorType solution;         // ghosted, current iterate
      VectorType solution_old;     // ghosted, last converged step
      VectorType solution_older;   // owned, the step before (predictor)
      VectorType unit_compression; // owned, u_z = -z/L0 in the pillar
      VectorType internal_force;   // owned, unconstrained R_int
      VectorType rhs;              // owned, -R_int on free DoFs
      VectorType newton_update;    // owned
      // Linear solves that the direct fallback rescued (run summary).
      unsigned int n_direct_fallbacks = 0;
      // Steps whose extrapolated predictor failed and that were started
      // again from the last converged state (run summary).
      unsigned int n_plain_predictors = 0;
      // What made the last assemble() fail (for the step's message).
      std::string point_failure;

      std::vector<std::unique_ptr<constitutive::Model>> models;
      std::vector<std::string> output_names; // union over the models
      // Per output name: its volume average goes to the curve (false if
      // any model flags it as an identifier, Model::output_is_averaged).
      std::vector<bool>                      output_averaged;
      std::vector<std::vector<unsigned int>> output_map; // model -> union
      CellDataStorage<typename Triangulation<3>::cell_iterator, PointHistory>
        history;

      std::unique_ptr<StateDiffusion> diffusion; // free-volume diffusion
      loading::FlatPunch              punch;
      double                          time             = 0.;
      double                          displacement_old = 0.; // punch, last step
      double                          machine_displacement_old = 0.;
      double                          force_old                = 0.;
      double                          pillar_stiffness = 0.; // secant dF/dd_p
      double                          last_increment   = 0.;
      double                          increment = 0.; // strain, next step
      unsigned int                    step      = 0;
      // Test hook: the step (1-based) whose first Newton update is
      // poisoned with a NaN; from the environment variable
      // MICROPILLAR_TEST_INJECT_NAN_AT_STEP (tests/regression/nan_test.py).
      unsigned int inject_nan_at_step = 0;
      bool         nan_injected       = false;
    };


    template <typename LA>
    PillarSolver<LA>::PillarSolver(const RunParameters &params,
                                   ParameterHandler    &prm,
                                   const MPI_Comm       comm)
        : params(params)
        , comm(comm)
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , timer(comm, pcout, TimerOutput::never, TimerOutput::wall_times)
        , triangulation(comm)
        , dof_handler(triangulation)
        , f_bar(params.fe.formulation == "Q1 F-bar")
        , punch(params.punch, params.pillar.height())
    {
      if (const char *hook = std::getenv("MICROPILLAR_TEST_INJECT_NAN_AT_STEP"))
        inject_nan_at_step = std::atoi(hook);
      const unsigned int degree = params.fe.formulation == "Q2" ? 2 : 1;
      fe         = std::make_unique<FESystem<3>>(FE_Q<3>(degree), 3);
      quadrature = std::make_unique<QGauss<3>>(degree + 1);
      prm.enter_subsection("Materials");
      for (const auto &m : params.materials.materials)
      {
        prm.enter_subsection(m.first);
        models.push_back(constitutive::Registry::create(m.second, prm));
        prm.leave_subsection();
      }
      prm.leave_subsection();
      for (const auto &model : models)
      {
        std::vector<unsigned int> map;
        for (const std::string &name : model->output_names())
        {
          auto it = std::find(output_names.begin(), output_names.end(), name);
          if (it == output_names.end())
          {
            output_names.push_back(name);
            output_averaged.push_back(true);
            it = output_names.end() - 1;
          }
          map.push_back(it - output_names.begin());
          if (!model->output_is_averaged(map.size() - 1))
            output_averaged[map.back()] = false;
        }
        output_map.push_back(map);
      }
    }


    namespace
    {
      // "(x, y, z) µm" for failure messages.
      inline std::string
      point_text(const Point<3> &p)
      {
        std::ostringstream s;
        s << std::setprecision(4) << "(" << p[0] << ", " << p[1] << ", " << p[2]
          << ") µm";
        return s.str();
      }
    } // namespace


    template <typename LA>
    void
    PillarSolver<LA>::make_grid()
    {
      TimerOutput::Scope t(timer, "setup");
      params.pillar.create_triangulation(triangulation);
      triangulation.refine_global(params.fe.global_refinements);
      check_material_ids();
    }


    template <typename LA>
    void
    PillarSolver<LA>::check_material_ids() const
    {
      unsigned int max_id = 0;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          max_id = std::max<unsigned int>(max_id, cell->material_id());
      max_id = Utilities::MPI::max(max_id, comm);
      AssertThrow(max_id < models.size(),
                  ExcMessage("The mesh has material id " +
                             std::to_string(max_id) +
                             " but Materials/Models names only " +
                             std::to_string(models.size()) +
                             " material(s): give every material id a model."));
    }


    template <typename LA>
    void
    PillarSolver<LA>::make_constraints()
    {
      constraints.clear();
      constraints.reinit(locally_relevant);
      DoFTools::make_hanging_node_constraints(dof_handler, constraints);
      const FEValuesExtractors::Vector u(0);
      const ComponentMask              all = fe->component_mask(u);
      const ComponentMask              axial =
        fe->component_mask(FEValuesExtractors::Scalar(2));
      const bool stuck = params.punch.punch_contact == "stuck";
      VectorTools::interpolate_boundary_values(dof_handler,
                                               geometry::boundary_id::punch,
                                               Functions::ZeroFunction<3>(3),
                                               constraints,
                                               stuck ? all : axial);
      // Plane-strain faces (a strip's, or tag 3 of a Gmsh mesh): u_y = 0.
      VectorTools::interpolate_boundary_values(
        dof_handler,
        geometry::boundary_id::plane_strain,
        Functions::ZeroFunction<3>(3),
        constraints,
        fe->component_mask(FEValuesExtractors::Scalar(1)));
      if (params.punch.bottom_support == "fixed")
        VectorTools::interpolate_boundary_values(dof_handler,
                                                 geometry::boundary_id::bottom,
                                                 Functions::ZeroFunction<3>(3),
                                                 constraints,
                                                 all);
      else
      {
        VectorTools::interpolate_boundary_values(dof_handler,
                                                 geometry::boundary_id::bottom,
                                                 Functions::ZeroFunction<3>(3),
                                                 constraints,
                                                 axial);
        // Pin the in-plane rigid-body modes: vertex A (bottom vertex
        // nearest the axis) in x and y, vertex B (the bottom vertex with
        // A's y farthest from A) in y. Chosen from coordinates only, so
        // the same on every partition.
        std::vector<Point<3>> candidates;
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto f : cell->face_indices())
              if (cell->face(f)->at_boundary() &&
                  cell->face(f)->boundary_id() == geometry::boundary_id::bottom)
                for (const auto v : cell->face(f)->vertex_indices())
                  candidates.push_back(cell->face(f)->vertex(v));
        const auto all_candidates =
          Utilities::MPI::all_gather(comm, candidates);
        const double tol = 1e-8 * params.pillar.top_diameter();
        Point<3>     A;
        bool         have_A = false;
        for (const auto &list : all_candidates)
          for (const auto &p : list)
          {
            const double r  = std::hypot(p[0], p[1]);
            const double rA = std::hypot(A[0], A[1]);
            if (!have_A || r < rA - tol ||
                (std::abs(r - rA) <= tol &&
                 (p[0] < A[0] - tol ||
                  (std::abs(p[0] - A[0]) <= tol && p[1] < A[1]))))
            {
              A      = p;
              have_A = true;
            }
          }
        Point<3> B = A;
        for (const auto &list : all_candidates)
          for (const auto &p : list)
            if (std::abs(p[1] - A[1]) <= tol && p[0] > B[0] + tol)
              B = p;
        AssertThrow(B.distance(A) > tol,
                    ExcMessage("Loading/Bottom support = frictionless needs "
                               "two bottom vertices on one x-line to pin "
                               "the rigid-body modes; this mesh has none."));
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (!cell->is_artificial())
            for (const auto v : cell->vertex_indices())
            {
              const Point<3> &p = cell->vertex(v);
              if (p.distance(A) <= tol)
                for (unsigned int c = 0; c < 2; ++c)
                {
                  const auto i = cell->vertex_dof_index(v, c);
                  if (locally_relevant.is_element(i) &&
                      !constraints.is_constrained(i))
                    constraints.add_line(i);
                }
              if (p.distance(B) <= tol)
              {
                const auto i = cell->vertex_dof_index(v, 1);
                if (locally_relevant.is_element(i) &&
                    !constraints.is_constrained(i))
                  constraints.add_line(i);
              }
            }
      }
      constraints.close();

      punch_axial_dofs =
        DoFTools::extract_boundary_dofs(dof_handler,
                                        axial,
                                        {geometry::boundary_id::punch});
      punch_axial_dofs = punch_axial_dofs & locally_owned;
    }


    template <typename LA>
    void
    PillarSolver<LA>::setup_system()
    {
      TimerOutput::Scope t(timer, "setup");
      dof_handler.distribute_dofs(*fe);
      locally_owned = dof_handler.locally_owned_dofs();
      diffusion     = std::make_unique<StateDiffusion>(triangulation, models);
      diffusion->setup();
      DoFTools::extract_locally_relevant_dofs(dof_handler, locally_relevant);
      make_constraints();

      DynamicSparsityPattern dsp(locally_relevant);
      DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 locally_owned,
                                                 comm,
                                                 locally_relevant);
      K.reinit(locally_owned, locally_owned, dsp, comm);

      solution.reinit(locally_owned, locally_relevant, comm);
      solution_old.reinit(locally_owned, locally_relevant, comm);
      solution_older.reinit(locally_owned, comm);
      unit_compression.reinit(locally_owned, comm);
      {
        // The first step's predictor: u_z = -max(z, 0)/L0 at every axial
        // DoF (support points of the element).
        const Quadrature<3> support(fe->get_unit_support_points());
        FEValues<3>         fe_values(*fe, support, update_quadrature_points);
        std::vector<types::global_dof_index> indices(fe->n_dofs_per_cell());
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            cell->get_dof_indices(indices);
            for (unsigned int i = 0; i < indices.size(); ++i)
              if (fe->system_to_component_index(i).first == 2 &&
                  locally_owned.is_element(indices[i]))
                unit_compression(indices[i]) =
                  -std::max(fe_values.quadrature_point(i)[2], 0.) /
                  params.pillar.height();
          }
        unit_compression.compress(VectorOperation::insert);
      }
      internal_force.reinit(locally_owned, comm);
      rhs.reinit(locally_owned, comm);
      newton_update.reinit(locally_owned, comm);

      pcout << "Mesh: " << triangulation.n_global_active_cells() << " cells, "
            << dof_handler.n_dofs() << " DoFs, " << params.fe.formulation
            << ", " << Utilities::MPI::n_mpi_processes(comm) << " MPI rank(s), "
            << params.linear_solver.package << " "
            << params.linear_solver.method << std::endl;
      double h_min = std::numeric_limits<double>::max(), h_max = 0.;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          h_min = std::min(h_min, cell->minimum_vertex_distance());
          h_max = std::max(h_max, cell->diameter());
        }
      h_min = Utilities::MPI::min(h_min, comm);
      h_max = Utilities::MPI::max(h_max, comm);
      // Machine-readable line for postprocess/convergence.py.
      pcout << "mesh_info: n_active_cells="
            << triangulation.n_global_active_cells()
            << " n_dofs=" << dof_handler.n_dofs() << " h_min=" << h_min
            << " h_max=" << h_max << std::endl;
    }


    template <typename LA>
    void
    PillarSolver<LA>::initialise_history()
    {
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          history.initialize(cell, quadrature->size());
      FEValues<3> fe_values(*fe, *quadrature, update_quadrature_points);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          const auto &model = *models[cell->material_id()];
          auto        data  = history.get_data(cell);
          for (unsigned int q = 0; q < quadrature->size(); ++q)
          {
            const auto context =
              params.pillar.context(fe_values.quadrature_point(q),
                                    cell->material_id());
            data[q]->old_state.resize(model.n_state());
            model.initialise_state(context, data[q]->old_state);
            data[q]->new_state = data[q]->old_state;
          }
        }
    }


    template <typename LA>
    bool
    PillarSolver<LA>::assemble(const double dt, const bool with_matrix)
    {
      TimerOutput::Scope t(timer, "assembly");
      const unsigned int dofs_per_cell = fe->n_dofs_per_cell();
      const unsigned int n_q           = quadrature->size();
      FEValues<3>        fe_values(*fe,
                            *quadrature,
                            update_gradients | update_JxW_values);
      QGauss<3>          centre_quadrature(1);
      FEValues<3>        fe_centre(*fe, centre_quadrature, update_gradients);
      const FEValuesExtractors::Vector disp(0);

      FullMatrix<double>                   cell_matrix(dofs_per_cell);
      Vector<double>                       cell_force(dofs_per_cell);
      std::vector<types::global_dof_index> dof_indices(dofs_per_cell);
      std::vector<Tensor<2, 3>>            grad_u(n_q), grad_u_old(n_q);
      std::vector<Tensor<2, 3>>            grad_c(1), grad_c_old(1);
      std::vector<unsigned int>            component(dofs_per_cell);
      for (unsigned int i = 0; i < dofs_per_cell; ++i)
        component[i] = fe->system_to_component_index(i).first;
      std::vector<double> a_i(dofs_per_cell), b_j(dofs_per_cell);
      const Tensor2       I = unit_symmetric_tensor<3>();

      if (with_matrix)
        K = 0.;
      internal_force = 0.;
      bool ok        = true;
      point_failure.clear();
      constitutive::UpdateResult r;

      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && ok)
        {
          fe_values.reinit(cell);
          fe_values[disp].get_function_gradients(solution, grad_u);
          fe_values[disp].get_function_gradients(solution_old, grad_u_old);
          Tensor2 F0, F0_old, F0_inv_T;
          double  J0 = 1., J0_old = 1.;
          if (f_bar)
          {
            fe_centre.reinit(cell);
            fe_centre[disp].get_function_gradients(solution, grad_c);
            fe_centre[disp].get_function_gradients(solution_old, grad_c_old);
            F0     = I + grad_c[0];
            F0_old = I + grad_c_old[0];
            J0     = determinant(F0);
            J0_old = determinant(F0_old);
            if (!(J0 > 0.) || !(J0_old > 0.))
            {
              point_failure = "cell centre J = " + std::to_string(J0) + " at " +
                              point_text(cell->center());
              ok = false;
              break;
            }
            F0_inv_T = transpose(invert(F0));
            for (unsigned int j = 0; j < dofs_per_cell; ++j)
            {
              const Tensor<1, 3> g = fe_centre.shape_grad(j, 0);
              b_j[j]               = 0.;
              for (unsigned int L = 0; L < 3; ++L)
                b_j[j] += F0_inv_T[component[j]][L] * g[L];
            }
          }
          const auto &model = *models[cell->material_id()];
          auto        data  = history.get_data(cell);
          cell_matrix       = 0.;
          cell_force        = 0.;
          for (unsigned int q = 0; q < n_q && ok; ++q)
          {
            const Tensor2 F     = I + grad_u[q];
            const Tensor2 F_old = I + grad_u_old[q];
            const double  J     = determinant(F);
            if (!(J > 0.))
            {
              point_failure = "J = " + std::to_string(J) + " in the cell at " +
                              point_text(cell->center());
              ok = false;
              break;
            }
            Tensor2 F_eval = F, F_eval_old = F_old;
            double  c = 1., cs = 1.;
            if (f_bar)
            {
              const double s = std::cbrt(J0 / J);
              c              = 1. / (s * s);
              cs             = c * s;
              F_eval         = s * F;
              F_eval_old     = std::cbrt(J0_old / determinant(F_old)) * F_old;
            }
            model.update(F_eval,
                         F_eval_old,
                         dt,
                         data[q]->old_state,
                         data[q]->new_state,
                         r);
            if (!r.converged || !std::isfinite(r.P.norm()))
            {
              point_failure = std::string(r.converged ? "non-finite stress"
                                                      : "no convergence") +
                              " of the material update in the cell at " +
                              point_text(cell->center());
              ok = false;
              break;
            }
            const double J_eval = determinant(F_eval);
            data[q]->cauchy =
              symmetrize(Tensor2(r.P * transpose(F_eval)) / J_eval);

            const Tensor2 P_eff = c * r.P;
            const double  JxW   = fe_values.JxW(q);
            // B = (cs/3) A:F - (2c/3) P(Fbar): the F-bar coupling.
            Tensor2 B;
            Tensor2 F_inv_T;
            if (f_bar && with_matrix)
            {
              F_inv_T = transpose(invert(F));
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = 0; j < 3; ++j)
                {
                  double af = 0.;
                  for (unsigned int k = 0; k < 3; ++k)
                    for (unsigned int l = 0; l < 3; ++l)
                      af += r.dP_dF[i][j][k][l] * F[k][l];
                  B[i][j] = cs / 3. * af - 2. * c / 3. * r.P[i][j];
                }
              // A_F = cs A - B (x) F^-T
              for (unsigned int i = 0; i < 3; ++i)
                for (unsigned int j = 0; j < 3; ++j)
                  for (unsigned int k = 0; k < 3; ++k)
                    for (unsigned int l = 0; l < 3; ++l)
                      r.dP_dF[i][j][k][l] =
                        cs * r.dP_dF[i][j][k][l] - B[i][j] * F_inv_T[k][l];
            }

            for (unsigned int i = 0; i < dofs_per_cell; ++i)
            {
              const unsigned int  ci = component[i];
              const Tensor<1, 3> &gi = fe_values.shape_grad(i, q);
              cell_force(i) += (P_eff[ci] * gi) * JxW;
              if (!with_matrix)
                continue;
              if (f_bar)
                a_i[i] = (B[ci] * gi) * JxW;
              for (unsigned int j = 0; j < dofs_per_cell; ++j)
              {
                const unsigned int  cj = component[j];
                const Tensor<1, 3> &gj = fe_values.shape_grad(j, q);
                double              k  = 0.;
                for (unsigned int J_ = 0; J_ < 3; ++J_)
                  for (unsigned int L = 0; L < 3; ++L)
                    k += gi[J_] * r.dP_dF[ci][J_][cj][L] * gj[L];
                cell_matrix(i, j) += k * JxW;
              }
            }
            if (f_bar && with_matrix)
              for (unsigned int i = 0; i < dofs_per_cell; ++i)
                for (unsigned int j = 0; j < dofs_per_cell; ++j)
                  cell_matrix(i, j) += a_i[i] * b_j[j];
          }
          if (!ok)
            break;
          cell->get_dof_indices(dof_indices);
          internal_force.add(dof_indices, cell_force);
          if (with_matrix)
            constraints.distribute_local_to_global(cell_matrix, dof_indices, K);
        }
      // Every rank must take part in compress() and the vote, even after a
      // local failure.
      internal_force.compress(VectorOperation::add);
      if (with_matrix)
        K.compress(VectorOperation::add);
      if (Utilities::MPI::min(ok ? 1 : 0, comm) == 1)
        return true;
      // Name the first failure (lowest rank) in the step's reason.
      for (const auto &f : Utilities::MPI::all_gather(comm, point_failure))
        if (!f.empty())
        {
          point_failure = f;
          break;
        }
      return false;
    }


    template <typename LA>
    std::pair<double, double>
    PillarSolver<LA>::residual_norms()
    {
      rhs = internal_force;
      rhs *= -1.;
      const double total = rhs.l2_norm();
      for (const auto i : locally_owned)
        if (constraints.is_constrained(i))
          rhs(i) = 0.;
      rhs.compress(VectorOperation::insert);
      const double free = rhs.l2_norm();
      return {free, std::sqrt(std::max(0., total * total - free * free))};
    }


    template <typename LA>
    double
    PillarSolver<LA>::punch_force() const
    {
      double f = 0.;
      for (const auto i : punch_axial_dofs)
        f += internal_force(i);
      // compression positive
      return -Utilities::MPI::sum(f, comm);
    }


    template <typename LA>
    double
    PillarSolver<LA>::reference_area() const
    {
      // A0 of the discrete mesh: the area of its punch face scaled by the
      // taper to 20 % of the height below the top (the generator scales the
      // cross-section linearly with the radius, so this is exact there).
      // Using the mesh's own area, not pi D^2/4, keeps the polygonal
      // cross-section of a coarse mesh from biasing the stress.
      double a = 0.;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary() &&
                cell->face(f)->boundary_id() == geometry::boundary_id::punch)
              a += cell->face(f)->measure();
      a = Utilities::MPI::sum(a, comm);
      return a * params.pillar.reference_area() / params.pillar.top_area();
    }


    template <typename LA>
    void
    PillarSolver<LA>::apply_boundary_values(const double punch_displacement,
                                            VectorType  &u)
    {
      std::map<types::global_dof_index, double> values;
      const bool stuck = params.punch.punch_contact == "stuck";
      // The punch face moves down by punch_displacement; a stuck face keeps
      // its in-plane position.
      Functions::ConstantFunction<3> punch_values(
        std::vector<double>{0., 0., -punch_displacement});
      VectorTools::interpolate_boundary_values(
        dof_handler,
        geometry::boundary_id::punch,
        punch_values,
        values,
        stuck ? fe->component_mask(FEValuesExtractors::Vector(0))
              : fe->component_mask(FEValuesExtractors::Scalar(2)));
      for (const auto &v : values)
        if (locally_owned.is_element(v.first))
          u(v.first) = v.second;
      // Other constrained DoFs (bottom, pins) stay at zero.
      for (const auto i : locally_owned)
        if (constraints.is_constrained(i) && values.count(i) == 0)
          u(i) = 0.;
      u.compress(VectorOperation::insert);
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::solve_step(const double d_new,
                                 const double dt,
                                 const bool   from_current)
    {
      StepResult result;
      // Predictor: extrapolate the last converged increment, scaled to the
      // new punch increment; then impose the punch position exactly.
      const double d_increment = d_new - displacement_old;
      VectorType   u(locally_owned, comm);
      u = from_current ? solution : solution_old;
      if (!from_current && last_increment != 0.)
      {
        VectorType du(locally_owned, comm);
        du = solution_old;
        du -= solution_older;
        u.add(d_increment / last_increment, du);
      }
      else if (!from_current)
        // No increment yet: homogeneous axial compression of the pillar.
        u.add(d_increment, unit_compression);
      apply_boundary_values(d_new, u);
      solution = u;

      bool ok = assemble(dt, true);
      if (!ok && !from_current && last_increment != 0.)
      {
        // The extrapolation can overshoot where the last increment was
        // concentrated (a fast shear band, a punch increment far from the
        // last one): it inverts cells or takes a material point out of its
        // range. Try once more from the last converged state with only the
        // punch moved before the step is cut back.
        u = solution_old;
        apply_boundary_values(d_new, u);
        solution = u;
        ok       = assemble(dt, true);
        ++n_plain_predictors;
      }
      if (!ok)
      {
        result.reason =
          "a material point failed in the predictor: " + point_failure;
        return result;
      }
      auto norms = residual_norms();
      for (unsigned int it = 0;; ++it)
      {
        const double tolerance =
          std::max(params.newton.relative_tolerance * norms.second,
                   params.newton.absolute_tolerance);
        if (params.output.verbose)
          pcout << "    Newton " << it << ": |R| = " << norms.first
                << " (tolerance " << tolerance << ")" << std::endl;
        if (!std::isfinite(norms.first) || !std::isfinite(norms.second))
        {
          result.reason = "NaN or Inf in the residual";
          return result;
        }
        if (norms.first <= tolerance)
        {
          result.converged            = true;
          result.iterations           = it;
          result.max_solve_iterations = it;
          return result;
        }
        if (it == params.newton.max_iterations)
        {
          result.reason =
            "no convergence in " + std::to_string(it) +
            " Newton iterations (|R| = " + std::to_string(norms.first) + ")";
          return result;
        }
        LinearSolveResult ls;
        {
          TimerOutput::Scope t(timer, "linear solve");
          ls = solve_linear_system(
            K, newton_update, rhs, params.linear_solver, dof_handler);
        }
        if (params.output.verbose)
          pcout << "    linear solver: " << ls.iterations << " iterations"
                << (ls.used_fallback ? " (failed; direct fallback)" : "")
                << std::endl;
        if (ls.used_fallback)
          ++n_direct_fallbacks;
        if (!ls.converged)
        {
          result.reason = "linear solver failed: " + ls.message;
          return result;
        }
        constraints.distribute(newton_update);
        if (inject_nan_at_step == step + 1 && !nan_injected)
        {
          // Test hook (MICROPILLAR_TEST_INJECT_NAN_AT_STEP): poison the
          // update once; the step must be cut back, never written.
          nan_injected = true;
          if (!locally_owned.is_empty())
            newton_update(*locally_owned.begin()) =
              std::numeric_limits<double>::quiet_NaN();
          newton_update.compress(VectorOperation::insert);
        }

        // Backtracking line search on the free residual norm.
        VectorType base(locally_owned, comm);
        base                  = solution;
        double       alpha    = 1.;
        bool         accepted = false;
        const double r_old    = norms.first;
        for (unsigned int ls_step = 0;; ++ls_step)
        {
          u = base;
          u.add(alpha, newton_update);
          solution      = u;
          const bool ok = assemble(dt, true);
          if (ok)
            norms = residual_norms();
          const bool last = !params.newton.line_search ||
                            ls_step >= params.newton.max_line_search_steps;
          if (ok && (norms.first < (1. - 1e-4 * alpha) * r_old || last))
          {
            accepted = true;
            break;
          }
          if (last)
            break;
          alpha *= 0.5;
        }
        if (!accepted)
        {
          result.reason = "a material point failed for every line-search "
                          "step (last: " +
                          point_failure + ")";
          return result;
        }
      }
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::solve_step_with_machine(const double d_machine,
                                              const double dt,
                                              double      &d_p)
    {
      const double k = params.punch.machine_stiffness;
      // Start from the last secant stiffness of the pillar (0 at first).
      double S = std::max(0., pillar_stiffness);
      double x0 =
        displacement_old + (d_machine - machine_displacement_old) * k / (k + S);
      StepResult total;
      StepResult s = solve_step(x0, dt);
      total.iterations += s.iterations;
      total.max_solve_iterations =
        std::max(total.max_solve_iterations, s.max_solve_iterations);
      if (!s.converged)
        return s;
      const double F0 = punch_force();
      double       g0 = x0 + F0 / k - d_machine;
      // The secant from the last converged state to this first evaluation
      // is the best stiffness estimate (at the first step the previous one
      // is unknown and a stiff pillar behind a soft machine would otherwise
      // be pulled into tension by the first correction).
      if (x0 != displacement_old)
        S = std::max(0., (F0 - force_old) / (x0 - displacement_old));
      const double tol = 1e-10 * params.pillar.height() +
                         1e-7 * std::abs(d_machine - machine_displacement_old);
      for (unsigned int it = 0; it < 30; ++it)
      {
        if (std::abs(g0) <= tol)
        {
          d_p             = x0;
          total.converged = true;
          return total;
        }
        // g'(d_p) = 1 + S/k; kept positive (a snap-back is not followed).
        const double slope = std::max(1. + S / k, 0.05);
        const double x1    = x0 - g0 / slope;
        s                  = solve_step(x1, dt, true);
        total.iterations += s.iterations;
        total.max_solve_iterations =
          std::max(total.max_solve_iterations, s.max_solve_iterations);
        if (!s.converged)
          return s;
        const double g1 = x1 + punch_force() / k - d_machine;
        if (x1 != x0)
          S = k * ((g1 - g0) / (x1 - x0) - 1.);
        x0 = x1;
        g0 = g1;
      }
      total.reason = "the machine-spring iteration did not converge";
      return total;
    }


    template <typename LA>
    void
    PillarSolver<LA>::accept_step()
    {
      solution_older = solution_old;
      solution_old   = solution;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            p->old_state = p->new_state;
    }


    template <typename LA>
    void
    PillarSolver<LA>::volume_averages(std::vector<double> &values) const
    {
      // [0] equivalent plastic strain, then every model output name: the
      // volume average over the pillar cells (z >= 0, not the base) whose
      // model defines it.
      const unsigned int  n = 1 + output_names.size();
      std::vector<double> sum(2 * n, 0.);
      FEValues<3>         fe_values(*fe, *quadrature, update_JxW_values);
      std::vector<double> out;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[2] >= 0.)
        {
          fe_values.reinit(cell);
          const unsigned int mid   = cell->material_id();
          const auto        &model = *models[mid];
          const auto         data  = history.get_data(cell);
          for (unsigned int q = 0; q < quadrature->size(); ++q)
          {
            const double w = fe_values.JxW(q);
            sum[0] += w * model.equivalent_plastic_strain(data[q]->old_state);
            sum[n] += w;
            model.output_values(data[q]->old_state, out);
            for (unsigned int k = 0; k < out.size(); ++k)
            {
              sum[1 + output_map[mid][k]] += w * out[k];
              sum[n + 1 + output_map[mid][k]] += w;
            }
          }
        }
      {
        std::vector<double> global(sum.size());
        Utilities::MPI::sum(ArrayView<const double>(sum),
                            comm,
                            ArrayView<double>(global));
        sum.swap(global);
      }
      values.resize(n);
      for (unsigned int k = 0; k < n; ++k)
        values[k] = sum[n + k] > 0. ? sum[k] / sum[n + k] : 0.;
    }


    template <typename LA>
    void
    PillarSolver<LA>::write_fields(const unsigned int step) const
    {
      TimerOutput::Scope         t(timer, "output");
      const unsigned int         n_cells = triangulation.n_active_cells();
      const unsigned int         n_out   = output_names.size();
      std::vector<Vector<float>> cell_fields(10 + n_out,
                                             Vector<float>(n_cells));
      FEValues<3>                fe_values(*fe, *quadrature, update_JxW_values);
      std::vector<double>        out;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          const unsigned int    index = cell->active_cell_index();
          const unsigned int    mid   = cell->material_id();
          const auto           &model = *models[mid];
          const auto            data  = history.get_data(cell);
          SymmetricTensor<2, 3> sigma;
          double                volume = 0., eqps = 0.;
          std::vector<double>   averages(n_out, 0.);
          for (unsigned int q = 0; q < quadrature->size(); ++q)
          {
            const double w = fe_values.JxW(q);
            volume += w;
            sigma += w * data[q]->cauchy;
            eqps += w * model.equivalent_plastic_strain(data[q]->old_state);
            model.output_values(data[q]->old_state, out);
            for (unsigned int k = 0; k < out.size(); ++k)
              averages[output_map[mid][k]] += w * out[k];
          }
          sigma /= volume;
          const unsigned int c[6][2] = {
            {0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
          for (unsigned int k = 0; k < 6; ++k)
            cell_fields[k][index] = sigma[c[k][0]][c[k][1]];
          const auto s          = deviator(sigma);
          cell_fields[6][index] = std::sqrt(1.5 * (s * s));
          cell_fields[7][index] = eqps / volume;
          cell_fields[8][index] = mid;
          cell_fields[9][index] = triangulation.locally_owned_subdomain();
          for (unsigned int k = 0; k < n_out; ++k)
            cell_fields[10 + k][index] = averages[k] / volume;
        }
      DataOut<3> data_out;
      data_out.attach_dof_handler(dof_handler);
      std::vector<DataComponentInterpretation::DataComponentInterpretation>
        interpretation(
          3, DataComponentInterpretation::component_is_part_of_vector);
      data_out.add_data_vector(solution_old,
                               std::vector<std::string>(3, "displacement"),
                               DataOut<3>::type_dof_data,
                               interpretation);
      const std::vector<std::string> names = {"sigma_xx",
                                              "sigma_yy",
                                              "sigma_zz",
                                              "sigma_xy",
                                              "sigma_xz",
                                              "sigma_yz",
                                              "von_mises",
                                              "equivalent_plastic_strain",
                                              "material_id",
                                              "mpi_rank"};
      for (unsigned int k = 0; k < names.size(); ++k)
        data_out.add_data_vector(cell_fields[k], names[k]);
      for (unsigned int k = 0; k < n_out; ++k)
        data_out.add_data_vector(cell_fields[10 + k], output_names[k]);
      data_out.build_patches();
      data_out.write_vtu_with_pvtu_record(
        params.output_directory + "/", "fields", step, comm, 5);
    }


    template <typename LA>
    std::string
    PillarSolver<LA>::checkpoint_directory() const
    {
      return params.output_directory + "/checkpoint";
    }


    template <typename LA>
    void
    PillarSolver<LA>::write_checkpoint()
    {
      TimerOutput::Scope t(timer, "checkpoint");
      namespace fs          = std::filesystem;
      const std::string dir = checkpoint_directory();
      const std::string tmp = dir + ".tmp", old = dir + ".old";
      const bool        root = Utilities::MPI::this_mpi_process(comm) == 0;
      if (root)
      {
        fs::remove_all(tmp);
        fs::create_directories(tmp);
      }
      MPI_Barrier(comm);

      // Vectors, through deal.II's parallel serialisation.
      VectorType older(locally_owned, locally_relevant, comm);
      older = solution_older;
      parallel::distributed::SolutionTransfer<3, VectorType> transfer(
        dof_handler);
      transfer.prepare_for_serialization(
        std::vector<const VectorType *>{&solution_old, &older});
      // Point histories (the converged "old" states), per cell.
      triangulation.register_data_attach(
        [this](const typename Triangulation<3>::cell_iterator &cell,
               const auto /*status*/)
        {
          std::vector<std::vector<double>> states;
          for (const auto &p : history.get_data(cell))
            states.push_back(p->old_state);
          return Utilities::pack(states, false);
        },
        /*returns_variable_size_data=*/true);
      triangulation.save(tmp + "/mesh");

      if (root)
      {
        std::ofstream state(tmp + "/state.txt");
        state << std::setprecision(17) << step << ' ' << time << ' '
              << increment << ' ' << displacement_old << ' '
              << machine_displacement_old << ' ' << force_old << ' '
              << pillar_stiffness << ' ' << last_increment << '\n';
        state.close();
        fs::copy_file(params.output_directory + "/stress_strain.csv",
                      tmp + "/stress_strain.csv");
        // Swap in the new checkpoint; between the two renames the old
        // one is still complete as checkpoint.old.
        fs::remove_all(old);
        if (fs::exists(dir))
          fs::rename(dir, old);
        fs::rename(tmp, dir);
        fs::remove_all(old);
      }
      MPI_Barrier(comm);
    }


    template <typename LA>
    void
    PillarSolver<LA>::load_checkpoint()
    {
      namespace fs    = std::filesystem;
      std::string dir = checkpoint_directory();
      if (!fs::exists(dir + "/state.txt") && fs::exists(dir + ".old/state.txt"))
        dir += ".old"; // killed between the renames
      AssertThrow(fs::exists(dir + "/state.txt"),
                  ExcMessage("Checkpoint/Restart: no checkpoint in <" +
                             checkpoint_directory() + "> (Output directory = " +
                             params.output_directory + ")."));
      {
        std::ifstream state(dir + "/state.txt");
        state >> step >> time >> increment >> displacement_old >>
          machine_displacement_old >> force_old >> pillar_stiffness >>
          last_increment;
        AssertThrow(state,
                    ExcMessage("Checkpoint file <" + dir +
                               "/state.txt> is unreadable."));
      }
      if (dir != checkpoint_directory() &&
          Utilities::MPI::this_mpi_process(comm) == 0)
        fs::rename(dir, checkpoint_directory());
      MPI_Barrier(comm);

      params.pillar.create_triangulation(triangulation);
      triangulation.load(checkpoint_directory() + "/mesh");
      check_material_ids();
      setup_system();
      initialise_history();

      VectorType old_owned(locally_owned, comm),
        older_owned(locally_owned, comm);
      parallel::distributed::SolutionTransfer<3, VectorType> transfer(
        dof_handler);
      std::vector<VectorType *> vectors = {&old_owned, &older_owned};
      transfer.deserialize(vectors);
      solution_old   = old_owned;
      solution       = old_owned;
      solution_older = older_owned;

      const unsigned int handle = triangulation.register_data_attach(
        [](const typename Triangulation<3>::cell_iterator &, const auto)
        { return std::vector<char>(); },
        true);
      triangulation.notify_ready_to_unpack(
        handle,
        [this](const typename Triangulation<3>::cell_iterator &cell,
               const auto /*status*/,
               const auto &data)
        {
          const auto states =
            Utilities::unpack<std::vector<std::vector<double>>>(data.begin(),
                                                                data.end(),
                                                                false);
          auto points = history.get_data(cell);
          AssertThrow(states.size() == points.size(),
                      ExcMessage("Checkpoint: quadrature data do not match "
                                 "the element of this prm file."));
          for (unsigned int q = 0; q < points.size(); ++q)
          {
            points[q]->old_state = states[q];
            points[q]->new_state = states[q];
          }
        });
      pcout << "Restarted from " << checkpoint_directory() << " at step "
            << step << ", strain " << displacement_old / params.pillar.height()
            << std::endl;
    }


    template <typename LA>
    int
    PillarSolver<LA>::run()
    {
      const bool restart = params.checkpoint.restart;
      if (restart)
        load_checkpoint();
      else
      {
        make_grid();
        setup_system();
        initialise_history();
        increment = params.time.initial_increment;
      }
      install_signal_handlers();

      const double height = params.pillar.height();
      const double area   = reference_area();
      const double rate   = params.punch.strain_rate;

      std::vector<std::string> extra = {"machine_displacement",
                                        "equivalent_plastic_strain"};
      for (unsigned int k = 0; k < output_names.size(); ++k)
        if (output_averaged[k])
          extra.push_back(output_names[k]);
      output::CurveFile curve(params.output_directory,
                              extra,
                              comm,
                              restart
                                ? checkpoint_directory() + "/stress_strain.csv"
                                : "");
      curve.set_status("running");

      std::vector<double> averages(extra.size() - 1, 0.), row;
      if (!restart)
      {
        solution_old   = 0.;
        solution_older = 0.;
        row.push_back(0.);
        row.insert(row.end(), averages.begin(), averages.end());
        curve.write_row(0, 0., 0., 0., 0., 0., 0, 0., row);
      }

      const double t_load     = punch.loading_end_time();
      const double t_end      = punch.end_time();
      const double time_start = time;
      int          exit_code  = success;
      std::string  stop_reason;
      Timer        wall;

      while (time < t_end * (1. - 1e-12))
      {
        if (step >= params.time.maximum_steps)
        {
          stop_reason = "Time stepping/Maximum steps (" +
                        std::to_string(params.time.maximum_steps) +
                        ") reached before the end of the load programme";
          exit_code = run_stopped;
          break;
        }
        double dt = increment / rate;
        // land exactly on the load reversal and on the end
        const double t_next_event =
          time < t_load * (1. - 1e-12) ? t_load : t_end;
        if (time + dt > t_next_event * (1. - 1e-9))
          dt = t_next_event - time;
        const double     d_programme = punch.displacement(time + dt);
        double           d_new       = d_programme;
        const StepResult s           = params.punch.machine_stiffness > 0.
                                         ? solve_step_with_machine(d_programme, dt, d_new)
                                         : solve_step(d_new, dt);
        if (!s.converged)
        {
          increment *= params.time.cutback_factor;
          pcout << "  step " << step + 1 << " failed (" << s.reason
                << "); cutting the strain increment back to " << increment
                << std::endl;
          if (increment < params.time.minimum_increment)
          {
            stop_reason = "the strain increment fell below Time "
                          "stepping/Minimum strain increment (" +
                          std::to_string(params.time.minimum_increment) +
                          ") after: " + s.reason;
            exit_code = run_stopped;
            break;
          }
          solution = solution_old;
          continue;
        }

        {
          TimerOutput::Scope t(timer, "state diffusion");
          diffusion->apply(dt, *quadrature, history);
        }
        accept_step();
        ++step;
        time += dt;
        last_increment     = d_new - displacement_old;
        const double force = punch_force();
        if (last_increment != 0.)
          pillar_stiffness = (force - force_old) / last_increment;
        displacement_old         = d_new;
        machine_displacement_old = d_programme;
        force_old                = force;
        const double strain      = d_new / height;
        const double stress      = force / area;
        volume_averages(averages);
        row.assign(1, d_programme);
        row.push_back(averages[0]); // equivalent plastic strain
        for (unsigned int k = 0; k < output_names.size(); ++k)
          if (output_averaged[k])
            row.push_back(averages[1 + k]);
        curve.write_row(
          step, time, d_new, force, strain, stress, s.iterations, dt, row);
        pcout << "step " << std::setw(5) << step << "  strain " << std::setw(10)
              << std::setprecision(5) << strain << "  stress " << std::setw(10)
              << std::setprecision(6) << stress << " MPa  Newton "
              << std::setw(2) << s.iterations << "  dt " << std::setprecision(4)
              << dt << " s  elapsed " << std::setprecision(4)
              << wall.wall_time() << " s  left ~" << std::setprecision(3)
              << wall.wall_time() / (time - time_start) * (t_end - time) << " s"
              << std::endl;

        const bool last = time >= t_end * (1. - 1e-12);
        if (params.output.field_interval > 0 &&
            (step % params.output.field_interval == 0 || last))
          write_fields(step);

        // Growth from the Newton iterations of one solve (with a machine
        // spring a step is several solves; their sum says nothing about
        // how hard the step was).
        if (s.max_solve_iterations <= params.time.fast_iterations)
          increment = std::min(increment * params.time.growth_factor,
                               params.time.maximum_increment);

        const bool interrupted =
          Utilities::MPI::max(stop_signal_received() ? 1 : 0, comm) == 1;
        if (interrupted || (params.checkpoint.interval > 0 &&
                            step % params.checkpoint.interval == 0 && !last))
          write_checkpoint();
        if (interrupted)
        {
          stop_reason = "interrupted by a signal; checkpoint written at "
                        "step " +
                        std::to_string(step) +
                        " (resume with: micropillar FILE.prm --restart)";
          exit_code = run_interrupted;
          break;
        }
        if (params.punch.unload && time > t_load * (1. + 1e-12) && force <= 0.)
        {
          pcout << "Unloaded: the punch force vanished." << std::endl;
          break;
        }
      }

      timer.print_wall_time_statistics(comm);
      {
        // Machine-readable summary for benchmarks/pillar_benchmark.sh.
        const auto times = timer.get_summary_data(TimerOutput::total_wall_time);
        const auto calls = timer.get_summary_data(TimerOutput::n_calls);
        auto       get =
          [](const std::map<std::string, double> &m, const std::string &key)
        {
          const auto it = m.find(key);
          return it == m.end() ? 0. : it->second;
        };
        Utilities::System::MemoryStats mem;
        Utilities::System::get_memory_stats(mem);
        const double rss_mb = mem.VmHWM / 1024.;
        pcout << "run_summary: steps=" << step
              << " assemblies=" << get(calls, "assembly")
              << " linear_solves=" << get(calls, "linear solve")
              << " assembly_s="
              << Utilities::MPI::max(get(times, "assembly"), comm)
              << " linear_solve_s="
              << Utilities::MPI::max(get(times, "linear solve"), comm)
              << " direct_fallbacks=" << n_direct_fallbacks
              << " plain_predictors=" << n_plain_predictors
              << " state_diffusions=" << get(calls, "state diffusion")
              << " state_diffusion_s="
              << Utilities::MPI::max(get(times, "state diffusion"), comm)
              << " wall_s=" << wall.wall_time()
              << " peak_rss_mb_max_rank=" << Utilities::MPI::max(rss_mb, comm)
              << " peak_rss_mb_total=" << Utilities::MPI::sum(rss_mb, comm)
              << std::endl;
      }
      if (exit_code == run_interrupted)
      {
        curve.set_status("interrupted: " + stop_reason);
        pcout << "micropillar: " << stop_reason << std::endl;
      }
      else if (exit_code == success)
      {
        curve.set_status("completed");
        pcout << "Run completed: " << step << " steps." << std::endl;
      }
      else
      {
        curve.set_status("stopped: " + stop_reason);
        pcout << "micropillar: the run stopped: " << stop_reason
              << ". The curve holds the " << step << " converged steps only."
              << std::endl;
      }
      return exit_code;
    }


    template <typename LA>
    int
    run_pillar_with(const RunParameters &params,
                    ParameterHandler    &prm,
                    const MPI_Comm       comm)
    {
      PillarSolver<LA> solver(params, prm, comm);
      return solver.run();
    }
  } // namespace solver
} // namespace micropillar

#endif
