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


    void
    DamageField::setup()
    {
      dof_handler.distribute_dofs(fe);
      owned = dof_handler.locally_owned_dofs();
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
      const MPI_Comm comm = tria.get_communicator();
      d.reinit(owned, relevant, comm);
      d_old.reinit(owned, relevant, comm);
      fe_values = std::make_unique<FEValues<3>>(fe, quadrature, update_values);
      d_q.resize(quadrature.size());
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
