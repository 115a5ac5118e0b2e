#include <deal.II/base/index_set.h>
#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/solver_cg.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/sparsity_tools.h>
#include <deal.II/lac/trilinos_precondition.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/lac/vector.h>
#include <micropillar/solver/scalar_field.h>
#include <micropillar/solver/state_diffusion.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    StateDiffusion::StateDiffusion(
      const parallel::distributed::Triangulation<3>           &tria,
      const std::vector<std::unique_ptr<constitutive::Model>> &models)
        : tria(tria)
        , models(models)
        , fe(1)
        , dof_handler(tria)
        , is_active(false)
    {
      for (const auto &m : models)
        if (m->diffusing_state_index() != numbers::invalid_unsigned_int &&
            m->diffusivity() > 0.)
          is_active = true;
    }

    void
    StateDiffusion::setup()
    {
      if (is_active)
        dof_handler.distribute_dofs(fe);
    }

    void
    StateDiffusion::apply(const double             dt,
                          const Quadrature<3>     &quadrature,
                          StateDiffusion::History &history) const
    {
      if (!is_active)
        return;
      const MPI_Comm comm  = tria.get_communicator();
      const IndexSet owned = dof_handler.locally_owned_dofs();
      IndexSet       relevant;
      DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);

      TrilinosWrappers::SparseMatrix A;
      reinit_scalar_matrix(dof_handler, owned, relevant, A);
      TrilinosWrappers::MPI::Vector lumped(owned, comm), b(owned, comm);

      const unsigned int n_dofs = fe.n_dofs_per_cell(), n_q = quadrature.size();
      FEValues<3>        fe_values(
        fe, quadrature, update_values | update_gradients | update_JxW_values);
      FullMatrix<double>                   cell_A(n_dofs);
      Vector<double>                       cell_m(n_dofs), cell_b(n_dofs);
      std::vector<types::global_dof_index> dofs(n_dofs);

      auto diffusing = [&](const auto &cell)
      {
        const auto &m = *models[cell->material_id()];
        return cell->is_locally_owned() &&
               m.diffusing_state_index() != numbers::invalid_unsigned_int &&
               m.diffusivity() > 0.;
      };

      for (const auto &cell : dof_handler.active_cell_iterators())
        if (diffusing(cell))
        {
          const auto        &model = *models[cell->material_id()];
          const unsigned int index = model.diffusing_state_index();
          fe_values.reinit(cell);
          const auto data = history.get_data(cell);
          cell_A          = 0.;
          cell_m          = 0.;
          cell_b          = 0.;
          for (unsigned int q = 0; q < n_q; ++q)
          {
            const double w = fe_values.JxW(q);
            const double v = data[q]->new_state[index];
            const double D = model.diffusivity_at(data[q]->new_state);
            for (unsigned int i = 0; i < n_dofs; ++i)
            {
              const double Ni = fe_values.shape_value(i, q);
              cell_m(i) += Ni * w;
              cell_b(i) += Ni * v * w;
              for (unsigned int j = 0; j < n_dofs; ++j)
                cell_A(i, j) +=
                  dt * D *
                  (fe_values.shape_grad(i, q) * fe_values.shape_grad(j, q)) * w;
            }
          }
          for (unsigned int i = 0; i < n_dofs; ++i)
            cell_A(i, i) += cell_m(i);
          cell->get_dof_indices(dofs);
          A.add(dofs, cell_A);
          lumped.add(dofs, cell_m);
          b.add(dofs, cell_b);
        }
      A.compress(VectorOperation::add);
      lumped.compress(VectorOperation::add);
      b.compress(VectorOperation::add);

      // Nodes outside the diffusing region: identity rows (d = p = 0).
      TrilinosWrappers::MPI::Vector p(owned, comm), d(owned, comm);
      for (const auto i : owned)
        if (lumped(i) > 0.)
          p(i) = b(i) / lumped(i);
        else
          A.set(i, i, 1.);
      A.compress(VectorOperation::insert);
      p.compress(VectorOperation::insert);

      d = p; // the solution without diffusion as the initial guess
      solve_spd(A, d, b, 1000);

      // Point values: v = d(x_q) + (cell mean of s) + theta (s - mean),
      // s = v* - p(x_q) the sub-grid part that the Q1 field cannot carry,
      // damped like the shortest mode the mesh resolves (wavelength h):
      // theta = 1 / (1 + dt D (2 pi / h)^2). D = 0: theta = 1, d = p, so v
      // = v*; the cell means of s are kept, so int v dV is conserved.
      TrilinosWrappers::MPI::Vector p_rel(owned, relevant, comm),
        d_rel(owned, relevant, comm);
      p_rel = p;
      d_rel = d;
      std::vector<double> p_q(n_q), d_q(n_q), sub(n_q), JxW(n_q);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (diffusing(cell))
        {
          const auto        &model = *models[cell->material_id()];
          const unsigned int index = model.diffusing_state_index();
          fe_values.reinit(cell);
          fe_values.get_function_values(p_rel, p_q);
          fe_values.get_function_values(d_rel, d_q);
          auto         data = history.get_data(cell);
          double       mean = 0., volume = 0.;
          const double k = 2. * numbers::PI / cell->minimum_vertex_distance();
          for (unsigned int q = 0; q < n_q; ++q)
          {
            JxW[q] = fe_values.JxW(q);
            sub[q] = data[q]->new_state[index] - p_q[q];
            mean += sub[q] * JxW[q];
            volume += JxW[q];
          }
          mean /= volume;
          for (unsigned int q = 0; q < n_q; ++q)
          {
            double      &v     = data[q]->new_state[index];
            const double D     = model.diffusivity_at(data[q]->new_state);
            const double theta = 1. / (1. + dt * D * k * k);
            const double v_new = d_q[q] + mean + theta * (sub[q] - mean);
            // A positive state (free volume) stays positive: a point loses
            // at most half its value in one step (an undershoot at a sharp
            // band edge; conservation is off by the clipped amount there).
            v = (v > 0. && v_new < 0.5 * v) ? 0.5 * v : v_new;
          }
        }
    }
  } // namespace solver
} // namespace micropillar
