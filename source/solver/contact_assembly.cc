// PillarSolver: the rigid flat punch as penalty contact with Coulomb
// friction (Loading/Punch contact = Coulomb). The kernel per contact point
// is solver/contact.h; here: the candidate faces, the integration over them
// and the contact history. docs/contact.md explains the choices.
//
// Contact points are the Gauss points (degree + 1 per direction) of the
// candidate faces: with a constant penetration the pressure is constant
// and the nodal forces are the consistent ones, so a uniform pressure is
// transmitted exactly on any face shape (the patch test of
// tests/regression/contact_test.py; nodal Gauss-Lobatto integration missed
// it by 2e-4 on the octagonal mesh). Each boundary face belongs to one
// locally owned cell, so every point is assembled on exactly one rank.
#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>
#include <limits>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/pillar_solver.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    namespace
    {
      QGauss<2>
      contact_quadrature(const FiniteElement<3> &fe)
      {
        return QGauss<2>(fe.degree + 1);
      }
    } // namespace


    template <typename LA>
    void
    PillarSolver<LA>::setup_contact()
    {
      contact_on = params.punch.punch_contact == "Coulomb";
      if (!contact_on)
        return;
      const double height = params.pillar.height();
      const double z_min =
        height * (1. - params.punch.contact_search_depth) - 1e-12 * height;
      const unsigned int n_fq = contact_quadrature(*fe).size();
      double             h    = std::numeric_limits<double>::max();
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          std::vector<unsigned int> faces;
          for (const auto f : cell->face_indices())
            if (cell->face(f)->at_boundary())
            {
              const auto id = cell->face(f)->boundary_id();
              if (id == geometry::boundary_id::bottom ||
                  id == geometry::boundary_id::plane_strain)
                continue;
              if (id == geometry::boundary_id::punch ||
                  cell->face(f)->center()[2] >= z_min)
                faces.push_back(f);
            }
          if (faces.empty())
            continue;
          h = std::min(h, cell->minimum_vertex_distance());
          contact_history.initialize(cell, 1);
          auto data   = contact_history.get_data(cell)[0];
          data->faces = faces;
          data->points.assign(faces.size() * n_fq, contact::PointState());
        }
      h            = Utilities::MPI::min(h, comm);
      double g_max = 0.;
      for (const auto &m : models)
        g_max = std::max(g_max, m->shear_modulus());
      contact_penalty = params.punch.contact_penalty_factor * g_max / h;
      pcout << "Contact: Coulomb, mu = " << params.punch.friction_coefficient
            << ", penalty " << contact_penalty << " MPa/µm normal, "
            << contact_penalty * params.punch.tangential_penalty_ratio
            << " tangential (kappa " << params.punch.contact_penalty_factor
            << ", G_max " << g_max << " MPa, h " << h << " µm)" << std::endl;
    }


    template <typename LA>
    void
    PillarSolver<LA>::assemble_contact(const bool with_matrix)
    {
      TimerOutput::Scope t(timer, "contact");
      const QGauss<2>    face_quadrature = contact_quadrature(*fe);
      const unsigned int n_fq            = face_quadrature.size();
      FEFaceValues<3>    fe_face(*fe,
                              face_quadrature,
                              update_values | update_quadrature_points |
                                update_JxW_values);
      const FEValuesExtractors::Vector disp(0);
      const unsigned int               dofs_per_cell = fe->n_dofs_per_cell();
      FullMatrix<double>               cell_matrix(dofs_per_cell);
      Vector<double>                   cell_force(dofs_per_cell);
      std::vector<types::global_dof_index> dof_indices(dofs_per_cell);
      std::vector<Tensor<1, 3>>            u(n_fq), u_old(n_fq);
      std::vector<unsigned int>            component(dofs_per_cell);
      for (unsigned int i = 0; i < dofs_per_cell; ++i)
        component[i] = fe->system_to_component_index(i).first;

      const double height  = params.pillar.height();
      const double z_punch = height - current_punch_displacement;
      const double mu      = params.punch.friction_coefficient;
      const double tol     = 1e-12 * height;
      // A sliding punch (Loading/Punch slide): the anchors are kept in the
      // punch's frame, so the kernel sees x - s e_x.
      const double s_now =
        params.punch.lateral_displacement(current_punch_displacement, height);
      const double s_old =
        params.punch.lateral_displacement(displacement_old, height);
      contact_tangential_local = 0.;
      contact_force_local      = 0.;
      contact_active_local     = 0;
      contact_slipping_local   = 0;

      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          const auto data = contact_history.try_get_data(cell);
          if (!data)
            continue;
          auto &h     = *(*data)[0];
          bool  any   = false;
          cell_matrix = 0.;
          cell_force  = 0.;
          for (unsigned int k = 0; k < h.faces.size(); ++k)
          {
            fe_face.reinit(cell, h.faces[k]);
            fe_face[disp].get_function_values(solution, u);
            fe_face[disp].get_function_values(solution_old, u_old);
            for (unsigned int q = 0; q < n_fq; ++q)
            {
              auto          &s = h.points[k * n_fq + q];
              const Point<3> X = fe_face.quadrature_point(q);
              Point<3>       x = X + u[q];
              x[0] -= s_now;
              // A point not in contact at the last converged step is
              // anchored where it was then (in the punch's frame).
              const std::array<double, 2> anchor =
                s.in_contact_old
                  ? s.anchor_old
                  : std::array<double, 2>{
                      {X[0] + u_old[q][0] - s_old, X[1] + u_old[q][1]}};
              const contact::PointResult r =
                contact::penalty_point(x,
                                       z_punch,
                                       anchor,
                                       contact_penalty,
                                       contact_penalty *
                                         params.punch.tangential_penalty_ratio,
                                       mu,
                                       tol);
              s.in_contact_new = r.active;
              s.anchor_new     = r.anchor;
              s.slipping       = r.slipping;
              s.pressure       = r.pressure;
              if (!r.active)
                continue;
              any            = true;
              const double w = fe_face.JxW(q);
              contact_force_local += r.pressure * w;
              contact_tangential_local += r.traction[0] * w;
              ++contact_active_local;
              if (r.slipping)
                ++contact_slipping_local;
              for (unsigned int i = 0; i < dofs_per_cell; ++i)
              {
                const double Ni = fe_face.shape_value(i, q);
                if (Ni == 0.)
                  continue;
                const unsigned int ci = component[i];
                // R = R_int - f_ext: the contact traction is external.
                cell_force(i) -= Ni * r.traction[ci] * w;
                if (!with_matrix)
                  continue;
                for (unsigned int j = 0; j < dofs_per_cell; ++j)
                {
                  const double Nj = fe_face.shape_value(j, q);
                  if (Nj != 0.)
                    cell_matrix(i, j) -=
                      Ni * r.tangent[ci][component[j]] * Nj * w;
                }
              }
            }
          }
          if (!any)
            continue;
          cell->get_dof_indices(dof_indices);
          internal_force.add(dof_indices, cell_force);
          if (with_matrix)
            constraints.distribute_local_to_global(cell_matrix, dof_indices, K);
        }
    }


    template <typename LA>
    void
    PillarSolver<LA>::accept_contact()
    {
      if (!contact_on)
        return;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          if (const auto data = contact_history.try_get_data(cell))
            for (auto &s : (*data)[0]->points)
            {
              s.in_contact_old = s.in_contact_new;
              s.anchor_old     = s.anchor_new;
            }
    }


    template <typename LA>
    void
    PillarSolver<LA>::contact_cell_fields(Vector<float> &pressure,
                                          Vector<float> &area,
                                          Vector<float> &state) const
    {
      const QGauss<2>    face_quadrature = contact_quadrature(*fe);
      const unsigned int n_fq            = face_quadrature.size();
      FEFaceValues<3>    fe_face(*fe, face_quadrature, update_JxW_values);
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          const auto data = contact_history.try_get_data(cell);
          if (!data)
            continue;
          const auto  &h  = *(*data)[0];
          double       pw = 0., w_active = 0.;
          unsigned int n = 0, n_slip = 0;
          for (unsigned int k = 0; k < h.faces.size(); ++k)
          {
            fe_face.reinit(cell, h.faces[k]);
            for (unsigned int q = 0; q < n_fq; ++q)
            {
              const auto &s = h.points[k * n_fq + q];
              if (!s.in_contact_new)
                continue;
              pw += s.pressure * fe_face.JxW(q);
              w_active += fe_face.JxW(q);
              ++n;
              n_slip += s.slipping ? 1 : 0;
            }
          }
          const unsigned int index = cell->active_cell_index();
          pressure[index]          = n > 0 ? pw / w_active : 0.;
          area[index]              = w_active;
          state[index] = n > 0 ? 1. + double(n_slip) / double(n) : 0.;
        }
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
