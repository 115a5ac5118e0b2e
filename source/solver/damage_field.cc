#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/data_out.h>
#include <iostream>
#include <limits>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/damage_field.h>
#include <micropillar/solver/scalar_field.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;
    namespace pf = constitutive::phase_field;

    namespace
    {
      /// max |a(i) - b(i)| over the owned indices, on every rank.
      double
      max_difference(const IndexSet                      &owned,
                     const TrilinosWrappers::MPI::Vector &a,
                     const TrilinosWrappers::MPI::Vector &b,
                     const MPI_Comm                       comm)
      {
        double change = 0.;
        for (const auto i : owned)
          change = std::max(change, std::abs(a(i) - b(i)));
        return Utilities::MPI::max(change, comm);
      }
    } // namespace

    DamageField::DamageField(
      const parallel::distributed::Triangulation<3>           &tria,
      const std::vector<std::unique_ptr<constitutive::Model>> &models,
      const std::vector<std::string>                          &materials,
      const FractureParameters                                &parameters,
      const Quadrature<3>                                     &quadrature,
      History                                                 &history)
        : tria(tria)
        , models(models)
        , parameters(parameters)
        , quadrature(quadrature)
        , history(history)
        , functional(pf::functional_from_string(parameters.model))
        , split(pf::split_from_string(parameters.energy_split))
        , fe(1)
        , dof_handler(tria)
    {
      if (parameters.staggered_acceleration == "anderson")
        accelerator =
          std::make_unique<AndersonAcceleration<TrilinosWrappers::MPI::Vector>>(
            parameters.anderson_depth);
      const auto &list = parameters.critical_energy_release_rate;
      for (unsigned int id = 0; id < materials.size(); ++id)
      {
        const auto it = list.find(materials[id]);
        Gc.push_back(it == list.end() ? 0. : it->second);
        constitutive::PointContext context;
        context.material_id = id;
        // Per phase: 'material/crystal', 'material/glass' named.
        laminate.push_back(nullptr);
        phases.emplace_back();
        const std::string phase_name[2] = {materials[id] + "/crystal",
                                           materials[id] + "/glass"};
        if (list.count(phase_name[0]) + list.count(phase_name[1]) > 0)
        {
          const auto *lam =
            dynamic_cast<const constitutive::HomogenisedLaminate *>(
              models[id].get());
          AssertThrow(lam != nullptr,
                      ExcMessage(
                        "Fracture/Critical energy release rate names <" +
                        (list.count(phase_name[0]) ? phase_name[0]
                                                   : phase_name[1]) +
                        ">, but <" + materials[id] +
                        "> is not a homogenised laminate: only a "
                        "laminate's phases can be named."));
          laminate.back()   = lam;
          const double f_c  = lam->get_parameters().crystal_fraction;
          const double f[2] = {f_c, 1. - f_c};
          auto        &p    = phases.back();
          p.split           = split;
          p.frozen_below    = parameters.broken_phase_degradation;
          const constitutive::Model *sub[2] = {&lam->crystal_model(),
                                               &lam->glass_model()};
          for (unsigned int k = 0; k < 2; ++k)
          {
            p.cracks[k] = list.count(phase_name[k]) > 0;
            p.moduli[k] = pf::isotropic_moduli(*sub[k], context);
            if (p.cracks[k])
              Gc.back() += f[k] * list.at(phase_name[k]);
          }
        }
        moduli.push_back(Gc.back() > 0.
                           ? pf::isotropic_moduli(*models[id], context)
                           : pf::IsotropicModuli());
        AssertThrow(Gc.back() == 0. ||
                      (moduli.back().K > 0. && moduli.back().G > 0.),
                    ExcMessage("Fracture/Critical energy release rate names <" +
                               materials[id] +
                               ">, whose model has no positive bulk and shear "
                               "modulus at F = I: it cannot take fracture."));
      }
    }


    double
    DamageField::crack_distance(Point<3> p, Point<3> a, Point<3> b) const
    {
      if (strip)
        p[1] = a[1] = b[1] = 0.;
      const Tensor<1, 3> ab = b - a;
      const double t = std::clamp(((p - a) * ab) / ab.norm_square(), 0., 1.);
      return p.distance(a + t * ab);
    }


    void
    DamageField::setup()
    {
      stiffness_cache.clear();
      stiffness_stamp.clear();
      // A plane-strain strip (faces with boundary id 3): an initial crack
      // runs through the thickness, its distance ignores y.
      strip = false;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto &face : cell->face_iterators())
            strip = strip || (face->at_boundary() &&
                              face->boundary_id() ==
                                geometry::boundary_id::plane_strain);
      strip = Utilities::MPI::max(strip ? 1 : 0, tria.get_communicator()) > 0;

      dof_handler.distribute_dofs(fe);
      owned = dof_handler.locally_owned_dofs();
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
      const MPI_Comm comm = tria.get_communicator();
      d.reinit(owned, relevant, comm);
      d_old.reinit(owned, relevant, comm);
      // 1 on the nodes of a cracking cell (the others keep d = 0)
      TrilinosWrappers::MPI::Vector on(owned, comm);
      {
        std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
          {
            cell->get_dof_indices(dofs);
            for (const auto i : dofs)
              on(i) += 1.;
          }
      }
      on.compress(VectorOperation::add);
      for (const auto i : owned)
        on(i) = on(i) > 0. ? 1. : 0.;
      on.compress(VectorOperation::insert);
      cracking_node.reinit(owned, relevant, comm);
      cracking_node = on;
      fe_values = std::make_unique<FEValues<3>>(fe, quadrature, update_values);
      d_q.resize(quadrature.size());

      // Nodes within l of an initial crack: not a crack onset when they
      // reach d > 0.95 (geometric, so the same after a restart).
      near_initial_crack = IndexSet(dof_handler.n_dofs());
      if (!parameters.initial_cracks.empty())
      {
        std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
          {
            cell->get_dof_indices(dofs);
            for (const unsigned int v : cell->vertex_indices())
              for (const auto &c : parameters.initial_cracks)
                if (crack_distance(cell->vertex(v), c[0], c[1]) <=
                    parameters.length)
                  near_initial_crack.add_index(dofs[v]);
          }
      }
      near_initial_crack.compress();

      // Is l resolved anywhere? The smallest cell edge of the cracking
      // materials (a homogeneous bar does not need it: a warning, not an
      // error).
      double h_min = std::numeric_limits<double>::max();
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
          h_min = std::min(h_min, cell->minimum_vertex_distance());
      h_min = Utilities::MPI::min(h_min, comm);
      if (parameters.length < h_min &&
          Utilities::MPI::this_mpi_process(comm) == 0)
        std::cout << "Warning: Fracture/Regularisation length = "
                  << parameters.length
                  << " µm is below the smallest cell edge of the cracking "
                     "materials ("
                  << h_min
                  << " µm): a crack band is resolved nowhere (a crack's "
                     "toughness and path then depend on the mesh; use cells "
                     "of l/2 or smaller: Geometry/Lateral refinement, "
                     "Finite element/Global refinements). Exact only for "
                     "homogeneous damage."
                  << std::endl;
    }


    void
    DamageField::initialise_history()
    {
      if (parameters.initial_cracks.empty())
        return;
      const double l = parameters.length;
      FEValues<3>  values(fe, quadrature, update_quadrature_points);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
        {
          values.reinit(cell);
          const double H0   = 1e3 * Gc[cell->material_id()] / l;
          const auto   data = history.get_data(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            for (const auto &c : parameters.initial_cracks)
              if (crack_distance(values.quadrature_point(q), c[0], c[1]) <=
                  0.5 * l)
              {
                double &H_old = data[q]->field_old[point_offset];
                H_old         = std::max(H_old, H0);
                data[q]->field_new[point_offset] = H_old;
              }
        }
      d = 0.;
      solve();
      d_old = d;
    }


    void
    DamageField::reinit(const DoFHandler<3>::active_cell_iterator &cell)
    {
      cell_material = cell->material_id();
      cell_index    = cell->active_cell_index();
      if (Gc[cell_material] == 0.)
        return;
      const DoFHandler<3>::active_cell_iterator dc(&tria,
                                                   cell->level(),
                                                   cell->index(),
                                                   &dof_handler);
      fe_values->reinit(dc);
      fe_values->get_function_values(d, d_q);
    }


    bool
    DamageField::evaluate_material_response(const unsigned int          q,
                                            const Tensor<2, 3>         &F,
                                            const Tensor<2, 3>         &F_old,
                                            const double                dt,
                                            PointHistory               &point,
                                            constitutive::UpdateResult &r)
    {
      const auto *lam = laminate[cell_material];
      if (lam == nullptr)
        return false;
      pf::PhaseDegradation deg = phases[cell_material];
      deg.g                    = pf::degradation(std::clamp(d_q[q], 0., 1.),
                              parameters.residual_stiffness);
      double psi[2];
      lam->update_degraded(
        F, F_old, dt, point.old_state, point.new_state, r, deg, psi);
      if (!r.converged)
        return true;
      // Driving force per point volume: the named phases' tensile energies
      // weighted by their volume fractions (Gc of the point likewise).
      const double f_c   = lam->get_parameters().crystal_fraction;
      const double f[2]  = {f_c, 1. - f_c};
      double       drive = 0.;
      for (unsigned int k = 0; k < 2; ++k)
        if (deg.cracks[k])
          drive += f[k] * psi[k];
      point.field_new[point_offset] =
        std::max(point.field_old[point_offset], drive);
      return true;
    }


    const pf::StepStiffness *
    DamageField::step_stiffness(const unsigned int  q,
                                const Tensor<2, 3> &F_old,
                                const PointHistory &point)
    {
      const std::size_t n_q = quadrature.size();
      if (stiffness_cache.size() != tria.n_active_cells() * n_q)
      {
        stiffness_cache.clear();
        stiffness_cache.resize(tria.n_active_cells() * n_q);
        stiffness_stamp.assign(tria.n_active_cells() * n_q, 0);
      }
      const std::size_t k     = cell_index * n_q + q;
      auto             &entry = stiffness_cache[k];
      if (entry != nullptr && stiffness_stamp[k] == stiffness_step &&
          entry->F_old == F_old)
        return entry.get();
      pf::Stiffness C_n;
      if (!models[cell_material]->elastic_stiffness(F_old,
                                                    point.old_state,
                                                    C_n))
        return nullptr; // the isotropic metric of the moduli
      if (entry == nullptr)
        entry = std::make_unique<pf::StepStiffness>();
      *entry             = pf::step_stiffness(C_n, F_old);
      stiffness_stamp[k] = stiffness_step;
      return entry.get();
    }


    void
    DamageField::modify_material_response(const unsigned int          q,
                                          const Tensor<2, 3>         &F,
                                          const Tensor<2, 3>         &F_old,
                                          PointHistory               &point,
                                          constitutive::UpdateResult &r)
    {
      if (Gc[cell_material] == 0. || laminate[cell_material] != nullptr)
        return;
      const Tensor<2, 3> tau = r.P * transpose(F);
      // The orthogonal split's metric: the model's own stiffness at the
      // step's start, if it has one (constitutive/phase_field.h), cached
      // per point for the step.
      const pf::StepStiffness *stiffness = split == pf::Split::orthogonal
                                             ? step_stiffness(q, F_old, point)
                                             : nullptr;
      // psi+ of the effective stress (degrade() splits it once for both)
      const double dq = std::clamp(d_q[q], 0., 1.);
      double       drive =
        pf::degrade(r,
                    F,
                    pf::degradation(dq, parameters.residual_stiffness),
                    split,
                    moduli[cell_material],
                    stiffness)
          .first;
      if (parameters.ductile())
      {
        // W_p accumulated over the converged steps (field_old) plus this
        // step's increment; the effective (undamaged) stress does the work.
        const auto  &model = *models[cell_material];
        const double Wp    = point.field_old[point_offset + 1] +
                          pf::plastic_work_increment(
                            tau,
                            model.equivalent_plastic_strain(point.old_state),
                            model.equivalent_plastic_strain(point.new_state));
        point.field_new[point_offset + 1] = Wp;
        drive += parameters.plastic_work_fraction *
                 std::max(0., Wp - parameters.plastic_work_threshold);
      }
      point.field_new[point_offset] =
        std::max(point.field_old[point_offset], drive);
    }


    void
    DamageField::assemble(const AffineConstraints<double> &constraints,
                          TrilinosWrappers::SparseMatrix  &A,
                          TrilinosWrappers::MPI::Vector   &b,
                          const bool                       threshold) const
    {
      const MPI_Comm comm = tria.get_communicator();
      reinit_scalar_matrix(dof_handler, owned, relevant, A);
      b.reinit(owned, comm);
      FEValues<3>        values(fe,
                         quadrature,
                         update_values | update_gradients | update_JxW_values);
      const unsigned int n_dofs = fe.n_dofs_per_cell(), n_q = quadrature.size();
      FullMatrix<double> cell_A(n_dofs);
      Vector<double>     cell_b(n_dofs);
      std::vector<types::global_dof_index> dofs(n_dofs);
      const double                         l = parameters.length;
      const bool at1 = functional == pf::Functional::AT1;
      // Viscosity (Fracture/Viscosity): eta (d - d_old)/dt, backward Euler;
      // v = eta/dt joins the mass and v d_old the source, lumped with AT1
      // (the M-matrix and the exact homogeneous field, as its 2H d term),
      // consistent with AT2. No term outside a time step (dt = 0: the
      // initial cracks' solve).
      const double   v = parameters.viscosity > 0. && step_dt > 0.
                           ? parameters.viscosity / step_dt
                           : 0.;
      Vector<double> cell_d_old(n_dofs);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
        {
          const double gc = Gc[cell->material_id()];
          values.reinit(cell);
          if (v > 0.)
            cell->get_dof_values(d_old, cell_d_old);
          const auto data = history.get_data(cell);
          cell_A          = 0.;
          cell_b          = 0.;
          for (unsigned int q = 0; q < n_q; ++q)
          {
            double d_old_q = 0.;
            if (v > 0.)
              for (unsigned int j = 0; j < n_dofs; ++j)
                d_old_q += cell_d_old(j) * values.shape_value(j, q);
            // threshold: AT1 with H~ = max(H, 3Gc/(16l)), always definite
            // (the start of the active-set loop)
            const double H = threshold
                               ? std::max(data[q]->field_new[point_offset],
                                          3. * gc / (16. * l))
                               : data[q]->field_new[point_offset];
            // AT2: consistent mass; AT1: the 2H d term lumped (row sums),
            // which keeps the matrix an M-matrix on regular hexahedra (the
            // discrete maximum principle the active-set loop relies on) and
            // a homogeneous field exact.
            const double mass      = at1 ? 2. * H : gc / l + 2. * H;
            const double diffusion = at1 ? 0.75 * gc * l : gc * l;
            const double source    = at1 ? 2. * H - 3. * gc / (8. * l) : 2. * H;
            const double w         = values.JxW(q);
            for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const double Ni = values.shape_value(i, q);
              cell_b(i) +=
                (source + (at1 ? v * cell_d_old(i) : v * d_old_q)) * Ni * w;
              if (at1)
                cell_A(i, i) += (mass + v) * Ni * w;
              for (unsigned int j = 0; j < n_dofs; ++j)
                cell_A(i, j) +=
                  ((at1 ? 0. : (mass + v) * Ni * values.shape_value(j, q)) +
                   diffusion *
                     (values.shape_grad(i, q) * values.shape_grad(j, q))) *
                  w;
            }
          }
          cell->get_dof_indices(dofs);
          constraints.distribute_local_to_global(cell_A, cell_b, dofs, A, b);
        }
      A.compress(VectorOperation::add);
      b.compress(VectorOperation::add);
      // Nodes of no cracking cell: identity rows, d = 0.
      for (const auto i : owned)
        if (cracking_node(i) == 0.)
          A.set(i, i, 1.);
      A.compress(VectorOperation::insert);
    }


    double
    DamageField::solve()
    {
      const MPI_Comm                 comm = tria.get_communicator();
      TrilinosWrappers::SparseMatrix A;
      TrilinosWrappers::MPI::Vector  b, x(owned, comm);
      AffineConstraints<double>      none(relevant);
      none.close();
      assemble(none, A, b);

      if (functional == pf::Functional::AT2)
      {
        x = 0.; // from zero, so a restart's solve is bitwise the same
        solve_spd(A, x, b, 10000);
        for (const auto i : owned)
          x(i) = std::clamp(static_cast<double>(x(i)), 0., 1.);
        x.compress(VectorOperation::insert);
      }
      else if (!solve_bounded(A, b, x))
      {
        // The held set has not settled (a crack running through many
        // nodal layers in one step): keep the iterate and report no
        // convergence, so the staggered loop goes on from here (the next
        // pass continues the active-set iteration) or cuts the step back.
        ++n_active_set_failures;
        d = x;
        return std::numeric_limits<double>::infinity();
      }

      const double change = max_difference(owned, x, d, comm);
      d                   = x;
      return change;
    }


    bool
    DamageField::solve_bounded(const TrilinosWrappers::SparseMatrix &A,
                               const TrilinosWrappers::MPI::Vector  &b,
                               TrilinosWrappers::MPI::Vector        &x)
    {
      // Primal-dual active set (Hintermueller, Ito & Kunisch 2003, SIAM J
      // Optim 13; deal.II step-41) for min 1/2 x.A x - b.x subject to
      // d_old <= x <= 1: with the gradient r = A x - b, a node is held at
      // its lower bound if x - r/A_ii < d_old, at the upper if
      // x - r/A_ii > 1, free otherwise; the free nodes solve A x = b with
      // the held ones as inhomogeneous constraints. Ends when the active
      // set repeats (eps: a node within 1e-10 of a bound counts as on it,
      // so that round-off cannot flip it back and forth) or the solution
      // stops moving (1e-10); false if neither after maximum_iterations
      // solves.
      const MPI_Comm                comm = tria.get_communicator();
      const double                  eps  = 1e-10;
      TrilinosWrappers::MPI::Vector r(owned, comm), flag(owned, comm),
        flag_old(owned, comm), flag_ghost(owned, relevant, comm),
        x_old(owned, comm);
      // Start from the solution of the definite threshold form
      // (H~ = max(H, 3Gc/(16l)), no bounds), projected on the bounds: its
      // support contains the true one (an exponential tail instead of
      // the compact support), and the loop moves nodes from free to held
      // in bulk but from held to free only a nodal layer per iteration.
      // A function of H and d_old only, so a restart repeats it.
      {
        TrilinosWrappers::SparseMatrix At;
        TrilinosWrappers::MPI::Vector  bt;
        AffineConstraints<double>      none(relevant);
        none.close();
        assemble(none, At, bt, true);
        x = 0.;
        solve_spd(At, x, bt, 10000);
        for (const auto i : owned)
          x(i) = std::clamp(static_cast<double>(x(i)),
                            static_cast<double>(d_old(i)),
                            cracking_node(i) != 0. ? 1. : 0.);
        x.compress(VectorOperation::insert);
      }
      flag_old = -1.; // no active set yet
      for (unsigned int it = 0;; ++it)
      {
        A.vmult(r, x);
        r -= b;
        unsigned int changes = 0;
        for (const auto i : owned)
        {
          double f = 0.;
          if (cracking_node(i) != 0.)
          {
            const double y = x(i) - r(i) / A.diag_element(i);
            if (d_old(i) >= 1. - eps || y > 1. - eps)
              f = 2.;
            else if (y < d_old(i) + eps)
              f = 1.;
          }
          flag(i) = f;
          changes += f != flag_old(i) ? 1 : 0;
        }
        flag.compress(VectorOperation::insert);
        changes = Utilities::MPI::sum(changes, comm);
        if (changes == 0)
          return true;
        if (it == maximum_iterations)
          return false; // x: the last iterate, within the bounds
        flag_old   = flag;
        flag_ghost = flag;
        AffineConstraints<double> held(relevant);
        for (const auto i : relevant)
          if (cracking_node(i) != 0. && flag_ghost(i) != 0.)
          {
            held.add_line(i);
            held.set_inhomogeneity(i, flag_ghost(i) == 1. ? d_old(i) : 1.);
          }
        held.close();
        TrilinosWrappers::SparseMatrix Ac;
        TrilinosWrappers::MPI::Vector  bc;
        assemble(held, Ac, bc);
        x_old = x;
        x     = 0.;
        solve_spd(Ac, x, bc, 10000);
        held.distribute(x);
        ++n_active_set_iterations;
        double moved = 0.;
        for (const auto i : owned)
          moved = std::max(moved, std::abs(x(i) - x_old(i)));
        if (Utilities::MPI::max(moved, comm) <= eps)
          return true;
      }
    }


    double
    DamageField::update(const double dt, const Quadrature<3> &, History &)
    {
      step_dt             = dt;
      extrapolated        = false;
      const MPI_Comm comm = tria.get_communicator();
      // x, kept for relax_iterate().
      auto keep = [&](TrilinosWrappers::MPI::Vector &v)
      {
        v.reinit(owned, comm);
        for (const auto i : owned)
          v(i) = d(i);
        v.compress(VectorOperation::insert);
      };
      keep(d_before_update);
      relaxable       = false;
      const auto done = [&](const double change)
      {
        relaxable = true;
        return change;
      };
      if (!accelerator)
        return done(solve());
      TrilinosWrappers::MPI::Vector x(owned, comm), next(owned, comm);
      for (const auto i : owned)
        x(i) = d(i);
      x.compress(VectorOperation::insert);
      const double change = solve(); // d = G(x), change = max |G(x) - x|
      if (!std::isfinite(change) || change <= parameters.staggered_tolerance)
      {
        // converged: the plain G(x) is the step's d; an unsettled AT1
        // active set: no extrapolation from a value that is not G(x)
        accelerator->clear_history();
        return done(change);
      }
      d_plain.reinit(owned, comm);
      for (const auto i : owned)
        d_plain(i) = d(i);
      d_plain.compress(VectorOperation::insert);
      if (accelerator->next(x, d_plain, next))
      {
        TrilinosWrappers::MPI::Vector zero(owned, comm);
        clamp_to_bounds(next,
                        functional == pf::Functional::AT1 ? d_old : zero,
                        cracking_node);
        d            = next;
        extrapolated = true;
      }
      return done(change);
    }


    bool
    DamageField::relax_iterate(const double omega)
    {
      if (!relaxable || !(omega > 0. && omega < 1.))
        return false;
      const MPI_Comm                comm = tria.get_communicator();
      TrilinosWrappers::MPI::Vector x(owned, comm);
      double                        moved = 0.;
      for (const auto i : owned)
      {
        const double a = d_before_update(i), b = d(i);
        x(i)  = a + omega * (b - a);
        moved = std::max(moved, std::abs(b - a));
      }
      x.compress(VectorOperation::insert);
      if (!(Utilities::MPI::max(moved, comm) > 0.))
        return false;
      d            = x;
      extrapolated = false;
      ++n_relaxed;
      return true;
    }


    bool
    DamageField::undo_extrapolation()
    {
      if (!extrapolated)
        return false;
      d            = d_plain;
      extrapolated = false;
      accelerator->abandon();
      return true;
    }


    double
    DamageField::step_change() const
    {
      return max_difference(owned, d, d_old, tria.get_communicator());
    }


    void
    DamageField::accept_step()
    {
      ++stiffness_step;
      extrapolated = false;
      relaxable    = false;
      if (accelerator)
        accelerator->reset();
      d_old = d;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            for (unsigned int k = 0; k < n_point_values(); ++k)
              p->field_old[point_offset + k] = p->field_new[point_offset + k];
    }


    void
    DamageField::reject_step()
    {
      extrapolated = false;
      relaxable    = false;
      if (accelerator)
        accelerator->reset();
      d = d_old;
    }


    void
    DamageField::prepare_checkpoint()
    {
      // d itself, not d recomputed from H: the AT1 solve depends on the
      // previous step's d (its lower bound).
      transfer =
        std::make_unique<parallel::distributed::
                           SolutionTransfer<3, TrilinosWrappers::MPI::Vector>>(
          dof_handler);
      transfer->prepare_for_serialization(d_old);
    }


    void
    DamageField::load_checkpoint()
    {
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            for (unsigned int k = 0; k < n_point_values(); ++k)
              p->field_new[point_offset + k] = p->field_old[point_offset + k];
      parallel::distributed::SolutionTransfer<3, TrilinosWrappers::MPI::Vector>
                                    t(dof_handler);
      TrilinosWrappers::MPI::Vector x(owned, tria.get_communicator());
      t.deserialize(x);
      d     = x;
      d_old = d;
    }


    std::vector<std::string>
    DamageField::curve_names() const
    {
      std::vector<std::string> names = {"max_damage",
                                        "cracked_volume_fraction",
                                        "max_driving_force"};
      if (parameters.ductile())
      {
        names.push_back("plastic_work");
        names.push_back("max_plastic_work");
      }
      return names;
    }


    std::vector<double>
    DamageField::curve_values() const
    {
      const MPI_Comm comm  = tria.get_communicator();
      double         max_d = 0., cracked = 0., volume = 0., work = 0.,
             cracking_volume = 0., max_H = 0., max_work = 0.;
      FEValues<3> values(fe, quadrature, update_values | update_JxW_values);
      std::vector<double> dq(quadrature.size());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[2] >= 0.)
        {
          values.reinit(cell);
          values.get_function_values(d, dq);
          const bool cracking = Gc[cell->material_id()] > 0.;
          const auto data     = history.get_data(cell);
          for (unsigned int q = 0; q < dq.size(); ++q)
          {
            const double w = values.JxW(q);
            volume += w;
            if (dq[q] > 0.95)
              cracked += w;
            max_d = std::max(max_d, dq[q]);
            if (cracking)
              max_H = std::max(max_H, data[q]->field_new[point_offset]);
            if (cracking && parameters.ductile())
            {
              const double Wp = data[q]->field_new[point_offset + 1];
              cracking_volume += w;
              work += Wp * w;
              max_work = std::max(max_work, Wp);
            }
          }
        }
      volume                = Utilities::MPI::sum(volume, comm);
      std::vector<double> v = {Utilities::MPI::max(max_d, comm),
                               volume > 0.
                                 ? Utilities::MPI::sum(cracked, comm) / volume
                                 : 0.,
                               Utilities::MPI::max(max_H, comm)};
      if (parameters.ductile())
      {
        cracking_volume = Utilities::MPI::sum(cracking_volume, comm);
        v.push_back(cracking_volume > 0.
                      ? Utilities::MPI::sum(work, comm) / cracking_volume
                      : 0.);
        v.push_back(Utilities::MPI::max(max_work, comm));
      }
      return v;
    }


    void
    DamageField::converged_step(const unsigned int step, const double strain)
    {
      if (onset_step >= 0)
        return;
      double max_d = 0.;
      for (const auto i : owned)
        if (!near_initial_crack.is_element(i))
          max_d = std::max(max_d, static_cast<double>(d(i)));
      if (Utilities::MPI::max(max_d, tria.get_communicator()) > 0.95)
      {
        onset_step   = step;
        onset_strain = strain;
      }
    }


    std::string
    DamageField::run_summary() const
    {
      std::ostringstream s;
      s << "crack_onset_step=" << onset_step
        << " crack_onset_strain=" << onset_strain
        << " damage_active_set_iterations=" << n_active_set_iterations
        << " damage_active_set_unsettled=" << n_active_set_failures;
      if (accelerator)
        s << " staggered_extrapolated=" << accelerator->n_extrapolated
          << " staggered_restarts=" << accelerator->n_restarts
          << " staggered_undone=" << accelerator->n_abandoned
          << " staggered_repelled=" << accelerator->n_repelled;
      if (parameters.staggered_relaxation != "none" ||
          parameters.maximum_damage_change_per_pass < 1.)
        s << " staggered_relaxed=" << n_relaxed;
      return s.str();
    }


    void
    DamageField::add_field_output(DataOut<3> &data_out) const
    {
      data_out.add_data_vector(dof_handler, d, "damage");
      cell_H.reinit(tria.n_active_cells());
      cell_Wp.reinit(tria.n_active_cells());
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
        {
          const auto data = history.get_data(cell);
          for (const auto &p : data)
          {
            cell_H[cell->active_cell_index()] +=
              p->field_new[point_offset] / data.size();
            if (parameters.ductile())
              cell_Wp[cell->active_cell_index()] +=
                p->field_new[point_offset + 1] / data.size();
          }
        }
      data_out.add_data_vector(cell_H,
                               "driving_force",
                               DataOut<3>::type_cell_data);
      if (parameters.ductile())
        data_out.add_data_vector(cell_Wp,
                                 "plastic_work",
                                 DataOut<3>::type_cell_data);
    }
  } // namespace solver
} // namespace micropillar
