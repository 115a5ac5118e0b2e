// PillarSolver: construction (models, output names, coupled fields), the
// mesh, DoFs, constraints and point histories; run_pillar(), the switch
// between the PETSc and the Trilinos instantiation.
#include <algorithm>
#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/numerics/vector_tools.h>
#include <limits>
#include <micropillar/constitutive/registry.h>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/damage_field.h>
#include <micropillar/solver/pillar_solver.h>
#include <micropillar/solver/state_diffusion.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    template <typename LA>
    PillarSolver<LA>::PillarSolver(const RunParameters &params,
                                   ParameterHandler    &prm,
                                   const MPI_Comm       comm)
        : params(params)
        , comm(comm)
        , pcout(std::cout, Utilities::MPI::this_mpi_process(comm) == 0)
        , timer(pcout, TimerOutput::never, TimerOutput::wall_times)
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
      // Errors name the material as the prm file writes it.
      models = constitutive::create_models(params.materials.materials, prm);
      f_bar_material.assign(models.size(), f_bar);
      for (unsigned int i = 0; i < params.materials.materials.size(); ++i)
        for (const auto &name : params.fe.plain_q1_materials)
          if (params.materials.materials[i].first == name)
            f_bar_material[i] = false;
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
      coupled_fields.push_back(
        std::make_unique<StateDiffusion>(triangulation, models));
      if (params.fracture.active())
      {
        std::vector<std::string> names;
        for (const auto &m : params.materials.materials)
          names.push_back(m.first);
        coupled_fields.push_back(std::make_unique<DamageField>(
          triangulation, models, names, params.fracture, *quadrature, history));
      }
      // Per-point slots of the fields (PointHistory::field_old/new).
      for (auto &field : coupled_fields)
      {
        field->set_point_offset(n_field_point_values);
        n_field_point_values += field->n_point_values();
        if (field->modifies_material_response())
          response_fields.push_back(field.get());
      }
      fingerprint = restart_fingerprint(prm);
    }


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
      // Coulomb contact: the punch acts through contact forces only
      // (contact_assembly.cc), the top face is free of constraints.
      if (params.punch.punch_contact != "Coulomb")
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
      for (auto &field : coupled_fields)
        field->setup();
      DoFTools::extract_locally_relevant_dofs(dof_handler, locally_relevant);
      make_constraints();

      DynamicSparsityPattern dsp(locally_relevant);
      DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 locally_owned,
                                                 comm,
                                                 locally_relevant);
      linear_solver_state.clear(); // a stored AMG hierarchy refers to K
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
      lumped_volume.reinit(locally_owned, comm);
      if (params.newton.viscous_stabilisation > 0.)
      {
        // int N_i dV on the reference mesh, the same for the three
        // components of a node (Newton/Viscous stabilisation).
        const QGauss<3> q(fe->degree + 1);
        FEValues<3>     fe_values(*fe, q, update_values | update_JxW_values);
        std::vector<types::global_dof_index> indices(fe->n_dofs_per_cell());
        dealii::Vector<double>               cell_m(fe->n_dofs_per_cell());
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            cell_m = 0.;
            for (unsigned int i = 0; i < indices.size(); ++i)
            {
              const unsigned int c = fe->system_to_component_index(i).first;
              for (unsigned int k = 0; k < q.size(); ++k)
                cell_m(i) +=
                  fe_values.shape_value_component(i, k, c) * fe_values.JxW(k);
            }
            cell->get_dof_indices(indices);
            lumped_volume.add(indices, cell_m);
          }
        lumped_volume.compress(VectorOperation::add);
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
            data[q]->field_old.assign(n_field_point_values, 0.);
            data[q]->field_new = data[q]->field_old;
          }
        }
      setup_contact();
      for (auto &field : coupled_fields)
        field->initialise_history();
    }


    int
    run_pillar(const RunParameters      &params,
               dealii::ParameterHandler &prm,
               const MPI_Comm            comm)
    {
      // The solver is destroyed before an exception leaves this function,
      // so that no destructor runs while it is in flight (deal.II's
      // TimerOutput would print a banner about it).
      std::exception_ptr error;
      {
        std::unique_ptr<PillarSolver<PETScAlgebra>>    petsc;
        std::unique_ptr<PillarSolver<TrilinosAlgebra>> trilinos;
        try
        {
          if (params.linear_solver.package == "PETSc")
          {
            petsc =
              std::make_unique<PillarSolver<PETScAlgebra>>(params, prm, comm);
            return petsc->run();
          }
          trilinos =
            std::make_unique<PillarSolver<TrilinosAlgebra>>(params, prm, comm);
          return trilinos->run();
        }
        catch (...)
        {
          error = std::current_exception();
        }
      }
      std::rethrow_exception(error);
    }

  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
