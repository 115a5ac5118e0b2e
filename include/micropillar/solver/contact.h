// Rigid flat punch contact with Coulomb friction: the per-point penalty
// kernel (a pure function, unit-tested in tests/unit/contact_test.cc) and
// the per-point contact history of the solver.
//
// The punch is the plane z = z_p (z_p = H - d, d the punch displacement)
// with outward normal -e_z; it moves sideways only with Loading/Punch
// slide (the caller then passes x and the anchor in the punch frame). A
// contact point at current position x penetrates by g = x_z - z_p (> 0:
// inside the punch).
// Penalty regularisation (Wriggers, Computational Contact Mechanics, 2006,
// ch. 5; Laursen 2002, ch. 5), per unit reference area:
//   normal:     p = eps_n <g>,          t_z = -p
//   tangential: the elastic slip x_T - a (a = the anchor, the punch-plane
//               point the material point is stuck to), trial traction
//               t_T* = -eps_t (x_T - a); stick if |t_T*| <= mu p, else
//               slip: t_T = mu p t_T*/|t_T*| and the anchor moves to
//               a_new = x_T + t_T/eps_t (the return mapping onto the
//               Coulomb cone, as in rate-independent plasticity).
// The consistent tangent dt/dx is returned with the traction; in slip it is
// non-symmetric (dt_T/dx_z = mu eps_n n), which the GMRES solve accepts.
// At an active point not yet pressed (p = 0) both -eps_n and mu eps_n n are
// the derivatives from the pressed side (a one-sided choice at the kink;
// with zero elastic slip the cone has zero width there and no tangent is
// consistent in every direction).
// Penalty size and the choice of a penalty over an active set or an
// augmented Lagrangian: docs/contact.md.
#ifndef micropillar_solver_contact_h
#define micropillar_solver_contact_h

#include <array>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    namespace contact
    {
      /// The response of one contact point.
      struct PointResult
      {
        /// In contact (g >= -gap_tolerance): the point carries penalty
        /// stiffness (with p = 0 at g <= 0).
        bool active = false;
        /// Sliding on the Coulomb cone (else sticking, when active).
        bool slipping = false;
        /// Contact pressure p = eps_n <g> [MPa] (force per reference area).
        double pressure = 0.;
        /// Traction on the body per unit reference area [MPa].
        dealii::Tensor<1, 3> traction;
        /// d traction / d x [MPa/µm].
        dealii::Tensor<2, 3> tangent;
        /// The updated anchor (x, y) [µm].
        std::array<double, 2> anchor = {{0., 0.}};
      };

      /// The penalty contact of a point at current position @p x against
      /// the punch plane z = @p z_punch. @p anchor: the (x, y) the point was
      /// stuck to at the last converged step (or, for a point that was not
      /// in contact, its (x, y) at that step). @p eps_n, @p eps_t: normal
      /// and tangential penalties [MPa/µm]; @p mu: Coulomb coefficient (0
      /// frictionless). @p gap_tolerance [µm]: a point with
      /// g >= -gap_tolerance is active (so that a face exactly on the punch
      /// keeps its stiffness in the Newton tangent).
      PointResult
      penalty_point(const dealii::Point<3>      &x,
                    const double                 z_punch,
                    const std::array<double, 2> &anchor,
                    const double                 eps_n,
                    const double                 eps_t,
                    const double                 mu,
                    const double                 gap_tolerance);

      /// History of one contact point (a face quadrature point of a
      /// candidate face), old = last converged step, new = last assembly.
      struct PointState
      {
        bool                  in_contact_old = false;
        std::array<double, 2> anchor_old     = {{0., 0.}};
        bool                  in_contact_new = false;
        std::array<double, 2> anchor_new     = {{0., 0.}};
        bool                  slipping       = false;
        double                pressure       = 0.;
      };

      /// The contact points of one locally owned cell: its candidate faces
      /// (boundary faces near the top, see PillarSolver::setup_contact) and
      /// their face quadrature points, face by face.
      struct CellHistory
      {
        std::vector<unsigned int> faces;
        std::vector<PointState>   points;
      };
    } // namespace contact
  }   // namespace solver
} // namespace micropillar

#endif
