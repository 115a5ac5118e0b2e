#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
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

    DamageField::DamageField(
      const parallel::distributed::Triangulation<3>           &tria,
      const std::vector<std::unique_ptr<constitutive::Model>> &models,
      const std::vector<std::string>                          &materials,
      const FractureParameters                                &parameters,
      const Quadrature<3>                                     &quadrature,
      History                                                 &history)
        : tria(tria)
        , parameters(parameters)
        , quadrature(quadrature)
        , history(history)
        , functional(pf::functional_from_string(parameters.model))
        , fe(1)
        , dof_handler(tria)
    {
      for (unsigned int id = 0; id < materials.size(); ++id)
      {
        const auto it =
          parameters.critical_energy_release_rate.find(materials[id]);
        Gc.push_back(it == parameters.critical_energy_release_rate.end()
                       ? 0.
                       : it->second);
        constitutive::PointContext context;
        context.material_id = id;
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
      if (Gc[cell_material] == 0.)
        return;
      const DoFHandler<3>::active_cell_iterator dc(&tria,
                                                   cell->level(),
                                                   cell->index(),
                                                   &dof_handler);
      fe_values->reinit(dc);
      fe_values->get_function_values(d, d_q);
    }


    void
    DamageField::modify_material_response(const unsigned int          q,
                                          const Tensor<2, 3>         &F,
                                          PointHistory               &point,
                                          constitutive::UpdateResult &r)
    {
      if (Gc[cell_material] == 0.)
        return;
      const double psi =
        pf::energy_split(r.P * transpose(F), moduli[cell_material]).first;
      point.field_new[point_offset] =
        std::max(point.field_old[point_offset], psi);
      const double dq = std::clamp(d_q[q], 0., 1.);
      pf::degrade(r, F, pf::degradation(dq, parameters.residual_stiffness));
    }


    double
    DamageField::solve()
    {
      const MPI_Comm                 comm = tria.get_communicator();
      TrilinosWrappers::SparseMatrix A;
      reinit_scalar_matrix(dof_handler, owned, relevant, A);
      TrilinosWrappers::MPI::Vector b(owned, comm), touched(owned, comm);

      FEValues<3>        values(fe,
                         quadrature,
                         update_values | update_gradients | update_JxW_values);
      const unsigned int n_dofs = fe.n_dofs_per_cell(), n_q = quadrature.size();
      FullMatrix<double> cell_A(n_dofs);
      Vector<double>     cell_b(n_dofs), cell_t(n_dofs);
      std::vector<types::global_dof_index> dofs(n_dofs);
      const double                         l = parameters.length;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && Gc[cell->material_id()] > 0.)
        {
          const double gc = Gc[cell->material_id()];
          values.reinit(cell);
          const auto data = history.get_data(cell);
          cell_A          = 0.;
          cell_b          = 0.;
          cell_t          = 1.;
          for (unsigned int q = 0; q < n_q; ++q)
          {
            const double H = data[q]->field_new[point_offset];
            double       mass, diffusion, source;
            if (functional == pf::Functional::AT2)
            {
              mass      = gc / l + 2. * H;
              diffusion = gc * l;
              source    = 2. * H;
            }
            else
            {
              const double Ht = std::max(H, 3. * gc / (16. * l));
              mass            = 2. * Ht;
              diffusion       = 0.75 * gc * l;
              source          = 2. * Ht - 3. * gc / (8. * l);
            }
            const double w = values.JxW(q);
            for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const double Ni = values.shape_value(i, q);
              cell_b(i) += source * Ni * w;
              for (unsigned int j = 0; j < n_dofs; ++j)
                cell_A(i, j) += (mass * Ni * values.shape_value(j, q) +
                                 diffusion * (values.shape_grad(i, q) *
                                              values.shape_grad(j, q))) *
                                w;
            }
          }
          cell->get_dof_indices(dofs);
          A.add(dofs, cell_A);
          b.add(dofs, cell_b);
          touched.add(dofs, cell_t);
        }
      A.compress(VectorOperation::add);
      b.compress(VectorOperation::add);
      touched.compress(VectorOperation::add);
      // Nodes of no cracking cell: identity rows, d = 0.
      for (const auto i : owned)
        if (touched(i) == 0.)
          A.set(i, i, 1.);
      A.compress(VectorOperation::insert);

      TrilinosWrappers::MPI::Vector x(owned, comm);
      x = 0.; // from zero, so a restart's solve is bitwise the same
      solve_spd(A, x, b, 10000);

      double change = 0.;
      for (const auto i : owned)
      {
        const double v = std::clamp(static_cast<double>(x(i)), 0., 1.);
        change         = std::max(change, std::abs(v - d(i)));
        x(i)           = v;
      }
      x.compress(VectorOperation::insert);
      d = x;
      return Utilities::MPI::max(change, comm);
    }


    double
    DamageField::update(const double, const Quadrature<3> &, History &)
    {
      return solve();
    }


    void
    DamageField::accept_step()
    {
      d_old = d;
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            p->field_old[point_offset] = p->field_new[point_offset];
    }


    void
    DamageField::reject_step()
    {
      d = d_old;
    }


    void
    DamageField::load_checkpoint()
    {
      for (const auto &cell : tria.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            p->field_new[point_offset] = p->field_old[point_offset];
      d = 0.;
      solve();
      d_old = d;
    }


    std::vector<double>
    DamageField::curve_values() const
    {
      const MPI_Comm comm  = tria.get_communicator();
      double         max_d = 0., cracked = 0., volume = 0.;
      FEValues<3>    values(fe, quadrature, update_values | update_JxW_values);
      std::vector<double> dq(quadrature.size());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[2] >= 0.)
        {
          values.reinit(cell);
          values.get_function_values(d, dq);
          for (unsigned int q = 0; q < dq.size(); ++q)
          {
            const double w = values.JxW(q);
            volume += w;
            if (dq[q] > 0.95)
              cracked += w;
            max_d = std::max(max_d, dq[q]);
          }
        }
      volume = Utilities::MPI::sum(volume, comm);
      return {Utilities::MPI::max(max_d, comm),
              volume > 0. ? Utilities::MPI::sum(cracked, comm) / volume : 0.};
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
        << " crack_onset_strain=" << onset_strain;
      return s.str();
    }


    void
    DamageField::add_field_output(DataOut<3> &data_out) const
    {
      data_out.add_data_vector(dof_handler, d, "damage");
    }
  } // namespace solver
} // namespace micropillar
