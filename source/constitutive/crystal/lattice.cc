#include <cmath>
#include <deal.II/base/exceptions.h>
#include <micropillar/constitutive/crystal/lattice.h>

namespace micropillar
{
  namespace constitutive
  {
    namespace crystal
    {
      namespace
      {
        const unsigned int voigt_i[6] = {0, 1, 2, 1, 0, 0};
        const unsigned int voigt_j[6] = {0, 1, 2, 2, 2, 1};

        unsigned int
        voigt_index(const unsigned int i, const unsigned int j)
        {
          if (i == j)
            return i;
          const unsigned int s = i + j;
          return s == 3 ? 3 : (s == 2 ? 4 : 5);
        }
      } // namespace

      Vector3
      hcp_direction(const int    u,
                    const int    v,
                    const int    t,
                    const int    w,
                    const double c_over_a)
      {
        (void)t;
        Vector3 d;
        d[0] = 1.5 * u;
        d[1] = (u + 2. * v) * std::sqrt(3.) / 2.;
        d[2] = w * c_over_a;
        return d / 3.;
      }

      Vector3
      hcp_plane_normal(const int    h,
                       const int    k,
                       const int    i,
                       const int    l,
                       const double c_over_a)
      {
        (void)i;
        Vector3 n;
        n[0] = h;
        n[1] = (h + 2. * k) / std::sqrt(3.);
        n[2] = l / c_over_a;
        return n;
      }

      const std::vector<std::string> &
      hcp_family_names()
      {
        static const std::vector<std::string> names = {"Basal",
                                                       "Prismatic",
                                                       "Pyramidal a",
                                                       "Pyramidal c+a I",
                                                       "Pyramidal c+a II"};
        return names;
      }

      const std::vector<std::string> &
      fcc_family_names()
      {
        static const std::vector<std::string> names = {"Octahedral"};
        return names;
      }

      std::vector<SlipSystem>
      hcp_slip_systems(const double c_over_a, const double lattice_parameter)
      {
        // [uvtw](hkil) and family, as listed in DAMASK's lattice.f90.
        static const int        table[30][9] = {// basal <a>
                                         {2, -1, -1, 0, 0, 0, 0, 1, 0},
                                         {-1, 2, -1, 0, 0, 0, 0, 1, 0},
                                         {-1, -1, 2, 0, 0, 0, 0, 1, 0},
                                         // prismatic <a>
                                         {2, -1, -1, 0, 0, 1, -1, 0, 1},
                                         {-1, 2, -1, 0, -1, 0, 1, 0, 1},
                                         {-1, -1, 2, 0, 1, -1, 0, 0, 1},
                                         // pyramidal <a>
                                         {-1, 2, -1, 0, 1, 0, -1, 1, 2},
                                         {-2, 1, 1, 0, 0, 1, -1, 1, 2},
                                         {-1, -1, 2, 0, -1, 1, 0, 1, 2},
                                         {1, -2, 1, 0, -1, 0, 1, 1, 2},
                                         {2, -1, -1, 0, 0, -1, 1, 1, 2},
                                         {1, 1, -2, 0, 1, -1, 0, 1, 2},
                                         // pyramidal-I <c+a>
                                         {-2, 1, 1, 3, 1, 0, -1, 1, 3},
                                         {-1, -1, 2, 3, 1, 0, -1, 1, 3},
                                         {-1, -1, 2, 3, 0, 1, -1, 1, 3},
                                         {1, -2, 1, 3, 0, 1, -1, 1, 3},
                                         {1, -2, 1, 3, -1, 1, 0, 1, 3},
                                         {2, -1, -1, 3, -1, 1, 0, 1, 3},
                                         {2, -1, -1, 3, -1, 0, 1, 1, 3},
                                         {1, 1, -2, 3, -1, 0, 1, 1, 3},
                                         {1, 1, -2, 3, 0, -1, 1, 1, 3},
                                         {-1, 2, -1, 3, 0, -1, 1, 1, 3},
                                         {-1, 2, -1, 3, 1, -1, 0, 1, 3},
                                         {-2, 1, 1, 3, 1, -1, 0, 1, 3},
                                         // pyramidal-II <c+a>
                                         {-1, -1, 2, 3, 1, 1, -2, 2, 4},
                                         {1, -2, 1, 3, -1, 2, -1, 2, 4},
                                         {2, -1, -1, 3, -2, 1, 1, 2, 4},
                                         {1, 1, -2, 3, -1, -1, 2, 2, 4},
                                         {-1, 2, -1, 3, 1, -2, 1, 2, 4},
                                         {-2, 1, 1, 3, 2, -1, -1, 2, 4}};
        std::vector<SlipSystem> systems(30);
        for (unsigned int a = 0; a < 30; ++a)
        {
          const int    *r = table[a];
          const Vector3 d = hcp_direction(r[0], r[1], r[2], r[3], c_over_a);
          const Vector3 n = hcp_plane_normal(r[4], r[5], r[6], r[7], c_over_a);
          systems[a].s    = d / d.norm();
          systems[a].m    = n / n.norm();
          systems[a].burgers = lattice_parameter * d.norm();
          systems[a].family  = static_cast<unsigned int>(r[8]);
        }
        return systems;
      }

      std::vector<SlipSystem>
      fcc_slip_systems(const double lattice_parameter)
      {
        // Schmid-Boas ordering: plane normal, then direction.
        static const int        table[12][6] = {{1, 1, 1, 0, 1, -1},
                                                {1, 1, 1, -1, 0, 1},
                                                {1, 1, 1, 1, -1, 0},
                                                {-1, -1, 1, 0, -1, -1},
                                                {-1, -1, 1, 1, 0, 1},
                                                {-1, -1, 1, -1, 1, 0},
                                                {1, -1, -1, 0, -1, 1},
                                                {1, -1, -1, -1, 0, -1},
                                                {1, -1, -1, 1, 1, 0},
                                                {-1, 1, -1, 0, 1, 1},
                                                {-1, 1, -1, 1, 0, -1},
                                                {-1, 1, -1, -1, -1, 0}};
        std::vector<SlipSystem> systems(12);
        for (unsigned int a = 0; a < 12; ++a)
        {
          Vector3 n, d;
          for (unsigned int i = 0; i < 3; ++i)
          {
            n[i] = table[a][i];
            d[i] = table[a][3 + i];
          }
          systems[a].s       = d / d.norm();
          systems[a].m       = n / n.norm();
          systems[a].burgers = lattice_parameter / std::sqrt(2.);
          systems[a].family  = 0;
        }
        return systems;
      }

      std::array<Vector3, 6>
      hcp_partial_directions()
      {
        static const int       table[3][4] = {{1, -1, 0, 0},
                                              {0, 1, -1, 0},
                                              {-1, 0, 1, 0}};
        std::array<Vector3, 6> d;
        for (unsigned int k = 0; k < 3; ++k)
        {
          const Vector3 v = hcp_direction(
            table[k][0], table[k][1], table[k][2], table[k][3], 1.);
          d[k]     = v / v.norm();
          d[k + 3] = -d[k];
        }
        return d;
      }

      Matrix6
      cubic_stiffness(const double C11, const double C12, const double C44)
      {
        Matrix6 C{};
        for (unsigned int i = 0; i < 3; ++i)
        {
          for (unsigned int j = 0; j < 3; ++j)
            C[i][j] = (i == j) ? C11 : C12;
          C[i + 3][i + 3] = C44;
        }
        return C;
      }

      Matrix6
      hexagonal_stiffness(const double C11,
                          const double C12,
                          const double C13,
                          const double C33,
                          const double C44)
      {
        Matrix6 C{};
        C[0][0] = C[1][1] = C11;
        C[0][1] = C[1][0] = C12;
        C[0][2] = C[2][0] = C[1][2] = C[2][1] = C13;
        C[2][2]                               = C33;
        C[3][3] = C[4][4] = C44;
        C[5][5]           = 0.5 * (C11 - C12);
        return C;
      }

      Matrix6
      rotate_stiffness(const Matrix6 &C, const Tensor2 &R)
      {
        Tensor4 c, cr;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
                c[i][j][k][l] = C[voigt_index(i, j)][voigt_index(k, l)];
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
              {
                double s = 0.;
                for (unsigned int a = 0; a < 3; ++a)
                  for (unsigned int b = 0; b < 3; ++b)
                    for (unsigned int e = 0; e < 3; ++e)
                      for (unsigned int d = 0; d < 3; ++d)
                        s +=
                          R[i][a] * R[j][b] * R[k][e] * R[l][d] * c[a][b][e][d];
                cr[i][j][k][l] = s;
              }
        Matrix6 out{};
        for (unsigned int p = 0; p < 6; ++p)
          for (unsigned int q = 0; q < 6; ++q)
            out[p][q] = cr[voigt_i[p]][voigt_j[p]][voigt_i[q]][voigt_j[q]];
        return out;
      }

      Tensor2
      euler_to_rotation(const double phi1, const double Phi, const double phi2)
      {
        const Vector3 ez({0., 0., 1.}), ex({1., 0., 0.});
        return axis_angle_rotation(ez, phi1) * axis_angle_rotation(ex, Phi) *
               axis_angle_rotation(ez, phi2);
      }

      std::array<double, 3>
      rotation_to_euler(const Tensor2 &R)
      {
        const double c   = std::max(-1., std::min(1., R[2][2]));
        const double Phi = std::acos(c);
        if (std::abs(std::sin(Phi)) < 1e-10)
          return {{std::atan2(R[1][0], R[0][0]), Phi, 0.}};
        return {
          {std::atan2(R[0][2], -R[1][2]), Phi, std::atan2(R[2][0], R[2][1])}};
      }

      Tensor2
      axis_angle_rotation(const Vector3 &axis, const double angle)
      {
        const Vector3 a = axis / axis.norm();
        Tensor2       W;
        W[0][1]         = -a[2];
        W[0][2]         = a[1];
        W[1][0]         = a[2];
        W[1][2]         = -a[0];
        W[2][0]         = -a[1];
        W[2][1]         = a[0];
        const Tensor2 I = identity();
        return I + std::sin(angle) * W + (1. - std::cos(angle)) * W * W;
      }

      Tensor2
      shoji_nishiyama()
      {
        const Vector3 f1 = Vector3({1., 1., 1.}) / std::sqrt(3.);
        const Vector3 f2 = Vector3({1., -1., 0.}) / std::sqrt(2.);
        const Vector3 f3 = dealii::cross_product_3d(f1, f2);
        const Vector3 h1({0., 0., 1.});
        Vector3       h2 = hcp_direction(1, 1, -2, 0, 1.);
        h2 /= h2.norm();
        const Vector3 h3 = dealii::cross_product_3d(h1, h2);
        return dealii::outer_product(h1, f1) + dealii::outer_product(h2, f2) +
               dealii::outer_product(h3, f3);
      }

      double
      layer_thickness_ratio(const Tensor2 &F, const Vector3 &N0)
      {
        const Vector3 n = dealii::transpose(dealii::invert(F)) * N0;
        return N0.norm() / n.norm();
      }
    } // namespace crystal
  }   // namespace constitutive
} // namespace micropillar
