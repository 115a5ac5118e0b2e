// PillarSolver: the internal-force vector and the consistent tangent
// (Q1, Q2, Q1 F-bar; see pillar_solver.h) with the contact forces of a
// Coulomb punch (contact_assembly.cc), residual norms, punch force and the
// reference area of the engineering stress.
#include <array>
#include <cmath>
#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>
#include <iomanip>
#include <iostream>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/faults.h>
#include <micropillar/solver/pillar_solver.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;
    using constitutive::Tensor2;


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

      // " (material 'name')" of a material id, for failure messages.
      inline std::string
      material_text(const MaterialList &materials, const unsigned int id)
      {
        return id < materials.size()
                 ? " (material '" + materials[id].first + "')"
                 : std::string();
      }
    } // namespace


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
      // MICROPILLAR_DEBUG_TRACE_POINT="x y z q" (constitutive::debug_trace).
      static const std::pair<std::array<double, 4>, bool> trace_point = []()
      {
        std::pair<std::array<double, 4>, bool> p{{{0., 0., 0., 0.}}, false};
        if (const char *e = std::getenv("MICROPILLAR_DEBUG_TRACE_POINT"))
        {
          std::istringstream in(e);
          p.second = static_cast<bool>(in >> p.first[0] >> p.first[1] >>
                                       p.first[2] >> p.first[3]);
        }
        return p;
      }();

      if (with_matrix)
        K = 0.;
      internal_force = 0.;
      bool ok        = true;
      point_failure.clear();
      constitutive::UpdateResult r;

      // An exception from a material point (or the test hook) is a fault,
      // not a failed step: caught here so that every rank reaches
      // compress() and the vote, then thrown on every rank.
      std::string fault;
      try
      {
        inject_fault("assembly", comm, step + 1);
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned() && ok)
          {
            fe_values.reinit(cell);
            fe_values[disp].get_function_gradients(solution, grad_u);
            fe_values[disp].get_function_gradients(solution_old, grad_u_old);
            Tensor2    F0, F0_old, F0_inv_T;
            double     J0 = 1., J0_old = 1.;
            const bool cell_f_bar = f_bar_material[cell->material_id()];
            if (cell_f_bar)
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
                point_failure = "cell centre J = " + std::to_string(J0) +
                                " at " + point_text(cell->center());
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
            for (auto *field : response_fields)
              field->reinit(cell);
            cell_matrix = 0.;
            cell_force  = 0.;
            for (unsigned int q = 0; q < n_q && ok; ++q)
            {
              const Tensor2 F     = I + grad_u[q];
              const Tensor2 F_old = I + grad_u_old[q];
              const double  J     = determinant(F);
              if (!(J > 0.))
              {
                point_failure = "J = " + std::to_string(J) +
                                " in the cell at " +
                                point_text(cell->center()) +
                                material_text(params.materials.materials,
                                              cell->material_id());
                ok = false;
                break;
              }
              Tensor2 F_eval = F, F_eval_old = F_old;
              double  c = 1., cs = 1.;
              if (cell_f_bar)
              {
                const double s = std::cbrt(J0 / J);
                c              = 1. / (s * s);
                cs             = c * s;
                F_eval         = s * F;
                F_eval_old     = std::cbrt(J0_old / determinant(F_old)) * F_old;
              }
              // Diagnostic: trace the point MICROPILLAR_DEBUG_TRACE_POINT
              // names (constitutive/interface.h).
              constitutive::debug_trace() =
                trace_point.second &&
                cell->center().distance(Point<3>(trace_point.first[0],
                                                 trace_point.first[1],
                                                 trace_point.first[2])) <
                  1e-4 &&
                q == static_cast<unsigned int>(trace_point.first[3]);
              if (constitutive::debug_trace())
                std::cerr << "trace point at F_zz = " << F[2][2]
                          << ", dt = " << dt << ":" << std::endl;
              // A field may evaluate the point itself (per-phase damage
              // of a laminate); otherwise the model does.
              const CoupledField *evaluated_by = nullptr;
              for (auto *field : response_fields)
                if (field->evaluate_material_response(
                      q, F_eval, F_eval_old, dt, *data[q], r))
                {
                  evaluated_by = field;
                  break;
                }
              if (evaluated_by == nullptr)
                model.update(F_eval,
                             F_eval_old,
                             dt,
                             data[q]->old_state,
                             data[q]->new_state,
                             r);
              constitutive::debug_trace() = false;
              if (!r.converged || !std::isfinite(r.P.norm()))
              {
                point_failure = std::string(r.converged ? "non-finite stress"
                                                        : "no convergence") +
                                " of the material update in the cell at " +
                                point_text(cell->center()) +
                                material_text(params.materials.materials,
                                              cell->material_id());
                ok = false;
                break;
              }
              for (auto *field : response_fields)
                if (field != evaluated_by)
                  field->modify_material_response(
                    q, F_eval, F_eval_old, *data[q], r);
              const double J_eval = determinant(F_eval);
              data[q]->cauchy =
                symmetrize(Tensor2(r.P * transpose(F_eval)) / J_eval);

              const Tensor2 P_eff = c * r.P;
              const double  JxW   = fe_values.JxW(q);
              // B = (cs/3) A:F - (2c/3) P(Fbar): the F-bar coupling.
              Tensor2 B;
              Tensor2 F_inv_T;
              if (cell_f_bar && with_matrix)
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
                if (cell_f_bar)
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
              if (cell_f_bar && with_matrix)
                for (unsigned int i = 0; i < dofs_per_cell; ++i)
                  for (unsigned int j = 0; j < dofs_per_cell; ++j)
                    cell_matrix(i, j) += a_i[i] * b_j[j];
            }
            if (!ok)
              break;
            cell->get_dof_indices(dof_indices);
            internal_force.add(dof_indices, cell_force);
            if (with_matrix)
              constraints.distribute_local_to_global(cell_matrix,
                                                     dof_indices,
                                                     K);
          }
        if (ok && contact_on)
          assemble_contact(with_matrix);
        if (ok)
          add_stabilisation(dt, with_matrix);
      }
      catch (const std::exception &e)
      {
        fault = e.what();
        ok    = false;
      }
      // Every rank must take part in compress() and the vote, even after a
      // local failure.
      internal_force.compress(VectorOperation::add);
      if (with_matrix)
        K.compress(VectorOperation::add);
      if (Utilities::MPI::max(fault.empty() ? 0 : 1, comm) == 1)
        throw RunFault("a material point or the assembly threw: " +
                       first_error(comm, fault));
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
    void
    PillarSolver<LA>::add_stabilisation(const double dt, const bool with_matrix)
    {
      const double nu = params.newton.viscous_stabilisation;
      if (!(nu > 0.) || !(dt > 0.))
        return;
      for (const auto i : locally_owned)
        if (!constraints.is_constrained(i))
        {
          const double c = nu * lumped_volume(i) / dt;
          internal_force(i) += c * (solution(i) - solution_old(i));
          if (with_matrix)
            K.add(i, i, c);
        }
    }


    template <typename LA>
    double
    PillarSolver<LA>::stabilisation_work(const double dt) const
    {
      const double nu = params.newton.viscous_stabilisation;
      double       w  = 0.;
      if (nu > 0. && dt > 0.)
        for (const auto i : locally_owned)
          if (!constraints.is_constrained(i))
          {
            const double du = solution(i) - solution_old(i);
            w += nu * lumped_volume(i) / dt * du * du;
          }
      return Utilities::MPI::sum(w, comm);
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
      // Coulomb contact: the sum of the contact pressures of the last
      // assembly (compression positive).
      if (contact_on)
        return Utilities::MPI::sum(contact_force_local, comm);
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


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
