#include <cmath>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/numbers.h>
#include <limits>
#include <micropillar/constitutive/crystal/microstructure.h>
#include <sstream>

namespace micropillar
{
  namespace constitutive
  {
    namespace crystal
    {
      std::uint64_t
      hash64(std::uint64_t x)
      {
        x += 0x9E3779B97F4A7C15ULL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
        return x ^ (x >> 31);
      }

      namespace
      {
        std::uint64_t
        combine(const std::uint64_t h, const std::int64_t v)
        {
          return hash64(h ^ hash64(static_cast<std::uint64_t>(v)));
        }

        /// Uniform in [0,1) from the top 53 bits.
        double
        uniform(const std::uint64_t h)
        {
          return (h >> 11) * (1.0 / 9007199254740992.0);
        }

        /// A stream of uniforms from one hash.
        struct Stream
        {
          std::uint64_t h;
          double
          next()
          {
            h = hash64(h);
            return uniform(h);
          }
        };

        std::uint64_t
        cell_hash(const std::uint64_t seed,
                  const std::int64_t  i,
                  const std::int64_t  j,
                  const std::int64_t  k,
                  const std::int64_t  layer)
        {
          return combine(combine(combine(combine(hash64(seed), i), j), k),
                         layer);
        }
      } // namespace

      Microstructure::Microstructure(const Parameters &parameters)
          : prm(parameters)
          , s(0.)
      {
        AssertThrow(prm.type == Type::single_crystal || prm.grain_size > 0.,
                    dealii::ExcMessage(
                      "crystal plasticity/Microstructure/Mean grain size "
                      "must be > 0 for columnar or equiaxed grains."));
        // The norm of a vector of finite components can still overflow
        // (1e200, 1e200, 0) or underflow to 0 (1e-200, 0, 0): both would
        // make the normalised direction NaN or zero.
        for (const auto &[name, v] :
             {std::make_pair(std::string("Fibre axis"), prm.fibre_axis),
              std::make_pair(std::string("Fibre crystal direction"),
                             prm.fibre_crystal_direction)})
        {
          const double       n = v.norm();
          std::ostringstream s;
          s << "crystal plasticity/Microstructure/" << name << " = " << v[0]
            << ", " << v[1] << ", " << v[2]
            << ": must be a non-zero direction whose length is a finite "
               "double (scale it to about 1).";
          AssertThrow(std::isfinite(n) && n > 0. && std::isfinite(1. / n),
                      dealii::ExcMessage(s.str()));
        }
        if (prm.type == Type::equiaxed)
          s = prm.grain_size * std::cbrt(dealii::numbers::PI / 6.);
        else if (prm.type == Type::columnar)
          s = prm.grain_size * std::sqrt(dealii::numbers::PI) / 2.;
      }

      Tensor2
      Microstructure::orientation(const std::uint64_t h) const
      {
        Stream       r{hash64(h ^ 0x6F7269656E74ULL)};
        const double pi = dealii::numbers::PI;
        if (prm.texture == Texture::random)
        {
          // Shoemake (1992): uniform unit quaternion.
          const double u1 = r.next(), u2 = r.next(), u3 = r.next();
          const double q1 = std::sqrt(1. - u1) * std::sin(2. * pi * u2);
          const double q2 = std::sqrt(1. - u1) * std::cos(2. * pi * u2);
          const double q3 = std::sqrt(u1) * std::sin(2. * pi * u3);
          const double q0 = std::sqrt(u1) * std::cos(2. * pi * u3);
          Tensor2      R;
          R[0][0] = 1. - 2. * (q2 * q2 + q3 * q3);
          R[0][1] = 2. * (q1 * q2 - q0 * q3);
          R[0][2] = 2. * (q1 * q3 + q0 * q2);
          R[1][0] = 2. * (q1 * q2 + q0 * q3);
          R[1][1] = 1. - 2. * (q1 * q1 + q3 * q3);
          R[1][2] = 2. * (q2 * q3 - q0 * q1);
          R[2][0] = 2. * (q1 * q3 - q0 * q2);
          R[2][1] = 2. * (q2 * q3 + q0 * q1);
          R[2][2] = 1. - 2. * (q1 * q1 + q2 * q2);
          return R;
        }
        // Fibre: R = R_tilt R_align R_spin.
        const Vector3 a = prm.fibre_axis / prm.fibre_axis.norm();
        const Vector3 dc =
          prm.fibre_crystal_direction / prm.fibre_crystal_direction.norm();
        const double  psi  = 2. * pi * r.next();
        const Tensor2 spin = axis_angle_rotation(dc, psi);
        Tensor2       align;
        const Vector3 axis = dealii::cross_product_3d(dc, a);
        const double  c    = dc * a;
        if (axis.norm() > 1e-12)
          align = axis_angle_rotation(axis, std::atan2(axis.norm(), c));
        else if (c > 0.)
          align = identity();
        else
        {
          // Antiparallel: turn by π about any axis normal to dc.
          Vector3 t = dealii::cross_product_3d(dc, Vector3({1., 0., 0.}));
          if (t.norm() < 1e-6)
            t = dealii::cross_product_3d(dc, Vector3({0., 1., 0.}));
          align = axis_angle_rotation(t, pi);
        }
        // Box-Muller: two independent N(0, σ) tilt components.
        const double u1 = 1. - r.next(), u2 = r.next();
        const double rad   = std::sqrt(-2. * std::log(u1));
        const double sigma = prm.tilt_spread * pi / 180.;
        const double tx    = sigma * rad * std::cos(2. * pi * u2);
        const double ty    = sigma * rad * std::sin(2. * pi * u2);
        Vector3      e1    = dealii::cross_product_3d(a, Vector3({1., 0., 0.}));
        if (e1.norm() < 1e-6)
          e1 = dealii::cross_product_3d(a, Vector3({0., 1., 0.}));
        e1 /= e1.norm();
        const Vector3 e2   = dealii::cross_product_3d(a, e1);
        const Vector3 tilt = tx * e1 + ty * e2;
        Tensor2       R    = align * spin;
        if (tilt.norm() > 0.)
          R = axis_angle_rotation(tilt, tilt.norm()) * R;
        return R;
      }

      Microstructure::Grain
      Microstructure::lookup(const PointContext &context) const
      {
        Grain g;
        if (prm.type == Type::single_crystal)
        {
          const double d2r = dealii::numbers::PI / 180.;
          g.id             = 0.;
          g.R              = euler_to_rotation(prm.euler_angles[0] * d2r,
                                  prm.euler_angles[1] * d2r,
                                  prm.euler_angles[2] * d2r);
          return g;
        }
        const bool columnar = (prm.type == Type::columnar);
        // Columnar grains differ per layer; a point outside any stack uses
        // the invalid index as its "layer".
        const std::int64_t layer =
          columnar ? static_cast<std::int64_t>(context.layer_index) : -1;
        const unsigned int dim = columnar ? 2 : 3;
        std::int64_t       c[3];
        for (unsigned int d = 0; d < 3; ++d)
          c[d] = static_cast<std::int64_t>(std::floor(context.X[d] / s));
        double        best      = std::numeric_limits<double>::max();
        std::uint64_t best_hash = 0;
        Vector3       best_seed;
        const int     kz = (dim == 3) ? 2 : 0;
        for (int di = -2; di <= 2; ++di)
          for (int dj = -2; dj <= 2; ++dj)
            for (int dk = -kz; dk <= kz; ++dk)
            {
              const std::int64_t i = c[0] + di, j = c[1] + dj,
                                 k  = (dim == 3) ? c[2] + dk : 0;
              const std::uint64_t h = cell_hash(prm.seed, i, j, k, layer);
              Stream              r{h};
              Vector3             p;
              p[0]      = (i + r.next()) * s;
              p[1]      = (j + r.next()) * s;
              p[2]      = (dim == 3) ? (k + r.next()) * s : 0.;
              double d2 = 0.;
              for (unsigned int d = 0; d < dim; ++d)
                d2 += (context.X[d] - p[d]) * (context.X[d] - p[d]);
              if (d2 < best)
              {
                best      = d2;
                best_hash = h;
                best_seed = p;
              }
            }
        g.id            = static_cast<double>(best_hash >> 33);
        g.seed_position = best_seed;
        g.R             = orientation(best_hash);
        return g;
      }
    } // namespace crystal
  }   // namespace constitutive
} // namespace micropillar
