// Pillar geometry: prm-driven generator and Gmsh import.
//
// The generator builds everything from one 2D mesh of the unit disk
// (GridGenerator::hyper_ball_balanced, 12 cells, refined `Lateral
// refinement` times with its manifolds so that boundary vertices lie on the
// circle, then flattened). Its vertices u_i (|u_i| <= 1) are placed at every
// z level of the pillar at x = radius(z) u_i, so the taper and the fillet are
// a radial scaling of whole cross-sections and every layer interface is a
// plane of cell faces. The base block reuses the same disk at the foot radius
// and adds an annulus of rings through the disk's boundary vertices, graded
// geometrically out to the base radius, so the pillar and the base share the
// vertices at z = 0 by construction (nothing to merge, no tolerance). The
// hexahedra are assembled as CellData into a serial Triangulation and copied
// into the caller's triangulation, which may be a
// parallel::distributed::Triangulation.
#include <algorithm>
#include <array>
#include <cmath>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/numbers.h>
#include <deal.II/base/utilities.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_in.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold.h>
#include <deal.II/grid/tria.h>
#include <deal.II/grid/tria_accessor.h>
#include <deal.II/grid/tria_description.h>
#include <deal.II/grid/tria_iterator.h>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <micropillar/geometry/pillar.h>
#include <set>
#include <sstream>

namespace micropillar
{
  namespace geometry
  {
    using namespace dealii;

    namespace
    {
      /**
       * A surface of revolution about the z axis, charted by cylindrical
       * coordinates (r, phi, z). Interpolation is linear in the chart, so a
       * new point between two points of a cone r = a + b z (or of a
       * cylinder) lies on that cone: one manifold serves the tapered flank,
       * the cylindrical base and (approximately) the fillet. Only attached to
       * the lateral boundary, which never touches the axis r = 0.
       */
      class RevolutionManifold : public ChartManifold<3, 3, 3>
      {
      public:
        RevolutionManifold()
            : ChartManifold<3, 3, 3>(Tensor<1, 3>({0., 2. * numbers::PI, 0.}))
        {
        }

        std::unique_ptr<Manifold<3, 3>>
        clone() const override
        {
          return std::make_unique<RevolutionManifold>();
        }

        Point<3>
        pull_back(const Point<3> &p) const override
        {
          double phi = std::atan2(p[1], p[0]);
          // The chart's periodic direction must lie in [0, 2 pi).
          if (phi < 0.)
            phi += 2. * numbers::PI;
          return Point<3>(std::hypot(p[0], p[1]), phi, p[2]);
        }

        Point<3>
        push_forward(const Point<3> &c) const override
        {
          return Point<3>(c[0] * std::cos(c[1]), c[0] * std::sin(c[1]), c[2]);
        }

        DerivativeForm<1, 3, 3>
        push_forward_gradient(const Point<3> &c) const override
        {
          DerivativeForm<1, 3, 3> d;
          d[0][0] = std::cos(c[1]);
          d[0][1] = -c[0] * std::sin(c[1]);
          d[1][0] = std::sin(c[1]);
          d[1][1] = c[0] * std::cos(c[1]);
          d[2][2] = 1.;
          return d;
        }
      };


      std::string
      fmt(const double x)
      {
        std::ostringstream s;
        s.precision(10);
        s << x;
        return s.str();
      }


      std::string
      valid_names(const std::map<std::string, unsigned int> &material_ids)
      {
        std::string s;
        for (const auto &m : material_ids)
          s += (s.empty() ? "" : ", ") + m.first;
        return s.empty() ? "(none: the material list is empty)" : s;
      }


      /// Input errors of one subsection, reported together.
      class InputErrors
      {
      public:
        void
        add(const std::string &entry,
            const std::string &value,
            const std::string &what)
        {
          messages.push_back("Geometry/" + entry + " = " + value + ": " + what);
        }

        void
        throw_if_any() const
        {
          if (messages.empty())
            return;
          std::string text =
            messages.size() == 1 ? "" : "Errors in subsection Geometry:\n";
          for (const std::string &m : messages)
            text += m + "\n";
          AssertThrow(false, ExcMessage(text));
        }

        bool
        empty() const
        {
          return messages.empty();
        }

      private:
        std::vector<std::string> messages;
      };


      /// Mean edge length of a cell of the unit disk mesh, times the radius.
      double
      lateral_cell_size(const double radius, const unsigned int refinement)
      {
        const double n_cells = 12. * std::pow(4., refinement);
        return radius * std::sqrt(numbers::PI / n_cells);
      }
    } // namespace


    namespace
    {
      // The numbers of a whitespace-separated line; false if a token is not
      // a number.
      bool
      numbers_of(const std::string &line, std::vector<double> &out)
      {
        out.clear();
        std::istringstream words(line);
        for (std::string w; words >> w;)
        {
          char        *end = nullptr;
          const double x   = std::strtod(w.c_str(), &end);
          if (end == w.c_str() || *end != '\0')
            return false;
          out.push_back(x);
        }
        return true;
      }

      // Nodes of a Gmsh element type (0: unknown).
      unsigned int
      gmsh_nodes(const int type)
      {
        static const std::map<int, unsigned int> n  = {{1, 2},
                                                       {2, 3},
                                                       {3, 4},
                                                       {4, 4},
                                                       {5, 8},
                                                       {6, 6},
                                                       {7, 5},
                                                       {8, 3},
                                                       {9, 6},
                                                       {10, 9},
                                                       {11, 10},
                                                       {12, 27},
                                                       {13, 18},
                                                       {14, 14},
                                                       {15, 1},
                                                       {16, 8},
                                                       {17, 20},
                                                       {18, 15},
                                                       {19, 13}};
        const auto                               it = n.find(type);
        return it == n.end() ? 0 : it->second;
      }

      // Reads a .msh file line by line, counting lines for messages.
      class MshReader
      {
      public:
        explicit MshReader(const std::string &filename)
            : file(filename)
            , in(filename)
        {
        }

        // Next line (trailing '\r' and blanks removed); false at the end.
        bool
        next(std::string &line)
        {
          if (!std::getline(in, line))
            return false;
          ++n;
          line = Utilities::trim(line);
          return true;
        }

        // Next line, which must exist: else the file is truncated.
        std::string
        need(const std::string &what)
        {
          std::string line;
          if (!next(line))
            fail("the file ends (after line " + std::to_string(n) +
                 ") inside " + what + ": truncated");
          return line;
        }

        // Next line as numbers, at least @p min_count of them.
        std::vector<double>
        need_numbers(const std::string &what, const unsigned int min_count)
        {
          const std::string   line = need(what);
          std::vector<double> v;
          if ((!numbers_of(line, v) || v.size() < min_count) &&
              in.peek() == std::char_traits<char>::eof())
            fail("the file ends in the middle of line " + std::to_string(n) +
                 " (in " + what + "): truncated");
          if (!numbers_of(line, v) || v.size() < min_count)
            fail("line " + std::to_string(n) + " <" + line.substr(0, 60) +
                 "> in " + what + " is not " + std::to_string(min_count) +
                 " or more numbers: corrupt file");
          return v;
        }

        [[noreturn]] void
        fail(const std::string &what) const
        {
          AssertThrow(false,
                      ExcMessage("Geometry/Mesh file = " + file + ": " + what +
                                 "."));
          std::abort();
        }

        unsigned int
        line_number() const
        {
          return n;
        }

        bool
        at_end()
        {
          return in.peek() == std::char_traits<char>::eof();
        }

      private:
        std::string   file;
        std::ifstream in;
        unsigned int  n = 0;
      };
    } // namespace


    std::size_t
    check_gmsh_file(const std::string &filename)
    {
      const std::string entry = "Geometry/Mesh file = " + filename + ": ";
      std::error_code   ec;
      AssertThrow(!filename.empty(),
                  ExcMessage("Geometry/Mesh file is empty: 'Mesh source = "
                             "gmsh' needs a .msh file."));
      AssertThrow(std::filesystem::exists(filename, ec),
                  ExcMessage(entry + "file not found."));
      AssertThrow(!std::filesystem::is_directory(filename, ec),
                  ExcMessage(entry + "is a directory, not a Gmsh .msh file."));
      MshReader   msh(filename);
      std::string line;
      while (msh.next(line) && line.empty())
      {
      }
      if (line.empty())
        msh.fail("the file is empty");
      if (line != "$MeshFormat")
        msh.fail("not a Gmsh .msh file: its first line is <" +
                 line.substr(0, 40) + ">, expected $MeshFormat");
      const std::vector<double> format  = msh.need_numbers("$MeshFormat", 3);
      const double              version = format[0];
      if (format[1] != 0.)
        msh.fail("binary .msh; micropillar (deal.II) reads ASCII .msh only "
                 "(gmsh -format msh22 or msh41 without -bin)");
      if (!((version >= 2. && version < 3.) || version == 4.1))
        msh.fail("Gmsh format version " + fmt(version) +
                 "; deal.II reads format 2.2 or 4.1 (gmsh -format msh22)");
      if (msh.need("$MeshFormat") != "$EndMeshFormat")
        msh.fail("line " + std::to_string(msh.line_number()) +
                 ": expected $EndMeshFormat: corrupt file");

      const bool                 v4         = version > 3.;
      bool                       have_nodes = false, have_elements = false;
      std::map<int, std::size_t> n_type; // elements by type
      while (msh.next(line))
      {
        if (line.empty())
          continue;
        if (line[0] != '$')
          msh.fail("line " + std::to_string(msh.line_number()) + " <" +
                   line.substr(0, 40) +
                   "> is outside any $Section: corrupt file");
        const std::string section = line.substr(1);
        const std::string end     = "$End" + section;
        if (section == "Nodes")
        {
          have_nodes = true;
          if (!v4)
          {
            const double n = msh.need_numbers("$Nodes", 1)[0];
            for (double k = 0; k < n; ++k)
            {
              const auto v = msh.need_numbers("$Nodes", 4);
              if (!std::isfinite(v[1]) || !std::isfinite(v[2]) ||
                  !std::isfinite(v[3]))
                msh.fail("line " + std::to_string(msh.line_number()) +
                         ": node coordinates are not finite");
            }
          }
          else
          {
            const auto h     = msh.need_numbers("$Nodes", 4);
            double     total = 0.;
            for (double b = 0; b < h[0]; ++b)
            {
              const auto   block = msh.need_numbers("$Nodes block", 4);
              const double count = block[3];
              for (double k = 0; k < count; ++k)
                msh.need_numbers("$Nodes (tags)", 1);
              for (double k = 0; k < count; ++k)
              {
                const auto v = msh.need_numbers("$Nodes (coordinates)", 3);
                if (!std::isfinite(v[0]) || !std::isfinite(v[1]) ||
                    !std::isfinite(v[2]))
                  msh.fail("line " + std::to_string(msh.line_number()) +
                           ": node coordinates are not finite");
              }
              total += count;
            }
            if (total != h[1])
              msh.fail("$Nodes announces " + fmt(h[1]) +
                       " nodes, its blocks "
                       "hold " +
                       fmt(total) + ": corrupt file");
          }
        }
        else if (section == "Elements")
        {
          have_elements      = true;
          const auto element = [&](const int type, const unsigned int skip)
          {
            const unsigned int nodes = gmsh_nodes(type);
            if (nodes == 0)
              msh.fail("line " + std::to_string(msh.line_number()) +
                       ": unknown element type " + std::to_string(type));
            ++n_type[type];
            return skip + nodes;
          };
          if (!v4)
          {
            const double n = msh.need_numbers("$Elements", 1)[0];
            for (double k = 0; k < n; ++k)
            {
              const auto         v = msh.need_numbers("$Elements", 3);
              const unsigned int needed =
                element(static_cast<int>(v[1]),
                        3 + static_cast<unsigned int>(v[2]));
              if (v.size() < needed)
                msh.fail(msh.at_end()
                           ? "the file ends in the middle of line " +
                               std::to_string(msh.line_number()) +
                               " ($Elements): truncated"
                           : "line " + std::to_string(msh.line_number()) +
                               ": element with too few nodes: corrupt file");
            }
          }
          else
          {
            const auto h     = msh.need_numbers("$Elements", 4);
            double     total = 0.;
            for (double b = 0; b < h[0]; ++b)
            {
              const auto block = msh.need_numbers("$Elements block", 4);
              for (double k = 0; k < block[3]; ++k)
              {
                const auto         v = msh.need_numbers("$Elements", 2);
                const unsigned int needed =
                  element(static_cast<int>(block[2]), 1);
                if (v.size() < needed)
                  msh.fail("line " + std::to_string(msh.line_number()) +
                           ": element with too few nodes: corrupt file");
              }
              total += block[3];
            }
            if (total != h[1])
              msh.fail("$Elements announces " + fmt(h[1]) +
                       " elements, its blocks hold " + fmt(total) +
                       ": corrupt file");
          }
        }
        // Every section (these two, after their data, and any other one)
        // ends with its $End line.
        while (true)
        {
          const std::string l = msh.need(line);
          if (l == end)
            break;
          if (l.empty())
            continue;
          if (section == "Nodes" || section == "Elements")
            msh.fail("line " + std::to_string(msh.line_number()) +
                     ": expected " + end + " after the announced " +
                     (section == "Nodes" ? "nodes" : "elements") +
                     ": corrupt file");
          if (!l.empty() && l[0] == '$')
            msh.fail("section " + line + " is not closed by " + end +
                     " (line " + std::to_string(msh.line_number()) +
                     "): corrupt file");
        }
      }
      if (!have_nodes || !have_elements)
        msh.fail(std::string("has no ") +
                 (have_nodes ? "$Elements" : "$Nodes") +
                 " section: truncated or not a mesh");

      const auto count = [&](std::initializer_list<int> types)
      {
        std::size_t c = 0;
        for (const int t : types)
          c += n_type.count(t) ? n_type.at(t) : 0;
        return c;
      };
      const std::size_t hex      = count({5});
      const std::size_t hex2     = count({12, 17});
      const std::size_t tet      = count({4, 11});
      const std::size_t prism    = count({6, 13, 18});
      const std::size_t pyramid  = count({7, 14, 19});
      const std::size_t triangle = count({2, 9});
      const std::size_t quad     = count({3, 10, 16});
      if (hex + hex2 + tet + prism + pyramid == 0)
        msh.fail(triangle + quad > 0
                   ? "has surface elements only (" +
                       std::to_string(triangle + quad) +
                       " triangles/quadrilaterals), no volume: a 2D mesh; "
                       "micropillar needs a 3D mesh of hexahedra (gmsh -3)"
                   : "has no volume elements (no hexahedra)");
      std::string others;
      const auto  add = [&](const std::size_t n, const std::string &name)
      {
        if (n > 0)
          others +=
            (others.empty() ? "" : ", ") + std::to_string(n) + " " + name;
      };
      add(tet, "tetrahedra");
      add(prism, "prisms");
      add(pyramid, "pyramids");
      add(hex2, "second-order hexahedra");
      if (!others.empty())
        msh.fail("has " + others + " besides " + std::to_string(hex) +
                 " hexahedra; micropillar needs linear hexahedra only (see "
                 "meshes/README.md: transfinite volumes with Recombine, or "
                 "Extrude ... Recombine; Mesh.ElementOrder = 1)");
      if (triangle > 0)
        msh.fail("has " + std::to_string(triangle) +
                 " triangles; the faces of a hexahedral mesh are "
                 "quadrilaterals (recombine its surfaces too)");
      return hex;
    }


    void
    Pillar::declare_parameters(ParameterHandler &prm)
    {
      // Entries whose bounds are checked in parse_parameters() have open
      // patterns on purpose: there the message names the entry, its value
      // and the fix; ParameterHandler::set() would only print the value.
      prm.declare_entry(
        "Mesh source",
        "generator",
        Patterns::Selection("generator|gmsh"),
        "generator: build the pillar from the entries below. gmsh: read "
        "'Mesh file'; its physical volume tags are material ids, its "
        "physical surface tags boundary ids (1 punch, 2 bottom, 0 or untagged "
        "free surface). With gmsh, 'Top diameter', 'Height' and 'Taper angle' "
        "must still describe the file's pillar: they give L0 and A0 (and are "
        "checked against the mesh's top face); the other entries are unused.");
      prm.declare_entry("Mesh file",
                        "",
                        Patterns::Anything(),
                        "Gmsh .msh file (ASCII, format 2.2 or 4.1), relative "
                        "to the working directory; for 'Mesh source = gmsh'.");
      prm.declare_entry("Top diameter",
                        "1.2",
                        Patterns::Double(),
                        "Diameter D of the punch face at z = H [µm]; > 0.");
      prm.declare_entry("Height",
                        "2.4",
                        Patterns::Double(),
                        "Pillar height L0 [µm] from the foot (z = 0, the top "
                        "of the base block if any) to the punch face "
                        "(z = H); > 0. The base is not included.");
      prm.declare_entry(
        "Taper angle",
        "0",
        Patterns::Double(),
        "Half-angle theta of the taper [degrees]; the radius grows downward, "
        "r(z) = D/2 + (H - z) tan(theta). |theta| < 45. A negative taper "
        "(foot narrower than the top) is accepted while r(0) >= D/8.");
      prm.declare_entry("Base",
                        "false",
                        Patterns::Bool(),
                        "Mesh a cylindrical base block under the pillar, "
                        "z in [-Base depth, 0], fixed at its bottom; its "
                        "compliance is then part of the model.");
      prm.declare_entry("Base radius",
                        "3.6",
                        Patterns::Double(),
                        "Radius of the base block [µm]; larger than the "
                        "pillar's foot radius r(0) plus the fillet.");
      prm.declare_entry("Base depth",
                        "2.4",
                        Patterns::Double(),
                        "Depth of the base block [µm]; > 0. Its cells grow "
                        "geometrically downward.");
      prm.declare_entry("Base material",
                        "",
                        Patterns::Anything(),
                        "Material name of the base block; empty: the first "
                        "material of the layer stack.");
      prm.declare_entry(
        "Fillet radius",
        "0",
        Patterns::Double(),
        "Radius of the concave fillet at the pillar/base junction [µm]; 0: "
        "none. Needs 'Base = true'. Made by widening the pillar's "
        "cross-sections near its foot onto the arc tangent to the flank and "
        "to the base top; it is resolved by the pillar's z levels (a "
        "homogeneous pillar gets at least two extra levels inside it).");
      prm.declare_entry(
        "Layer stack",
        "",
        Patterns::Anything(),
        "Either one material name (a homogeneous pillar; empty: the material "
        "with id 0), or a period 'name:thickness, name:thickness, ...' "
        "[µm] repeated from the pillar foot upward, e.g. 'crystal:0.018, "
        "glass:0.012'. Tiling rule: if H is not a whole number of periods, "
        "the topmost layer is cut at z = H; a cut remnant thinner than half "
        "its nominal thickness is merged into the layer below it (which then "
        "is thicker than nominal), a thicker remnant stays a layer of its "
        "own. Names are those of subsection Materials.");
      prm.declare_entry("Cells per layer",
                        "1",
                        Patterns::Integer(1),
                        "Cells through the thickness of every layer of a "
                        "stack with thicknesses.");
      prm.declare_entry("Axial cells",
                        "0",
                        Patterns::Integer(0),
                        "Cells through the height of a homogeneous pillar; "
                        "0: about cubic cells, H over the mean lateral cell "
                        "size.");
      prm.declare_entry(
        "Top corner grading",
        "1",
        Patterns::Double(),
        "Generator, disk pillars: ratio q >= 1 of the cell size far from to "
        "the cell size at the top corner (punch edge), where material rolls "
        "onto the punch at large strain. Radially the disk vertices move "
        "outward by r' = g r / (1 + (g - 1) r), g = sqrt(q) (rim cells q "
        "times smaller than centre cells); axially (homogeneous pillars, "
        "whose levels are not fixed by layers) the cell heights shrink "
        "geometrically toward the top, bottom / top = q. 1: uniform (off, "
        "the meshes before this entry).");
      prm.declare_entry(
        "Axis grading",
        "1",
        Patterns::Double(),
        "Generator, disk pillars: ratio a >= 1 of the cell size at the rim to "
        "the cell size at the pillar axis, the cell count unchanged: the "
        "disk vertices move inward by r' = g r / (1 + (g - 1) r), g = "
        "1/sqrt(a) (the map of 'Top corner grading' with g < 1; cells at the "
        "axis sqrt(a) times narrower, at the rim sqrt(a) times wider than "
        "uniform). Radial only, every pillar. For thin layers whose cells at "
        "the axis are too wide for them (issue 15, docs/contact.md). 1: "
        "uniform (off); not with 'Top corner grading' > 1.");
      prm.declare_entry(
        "Lateral refinement",
        "0",
        Patterns::Integer(0, 8),
        "Refinements of the cross-section disk (12 cells, an octagon, at 0; "
        "4x the cells and 2x the boundary edges per level). The coarse "
        "polygon holds 90 % of the circle's area at 0, 97 % at 1, 99.4 % at "
        "2; 'Curved free surface' moves refined vertices onto the circle.");
      prm.declare_entry(
        "Cross-section",
        "disk",
        Patterns::Selection("disk|plane strain strip"),
        "Generator only. disk: the round pillar. plane strain strip: a slab "
        "of width 'Top diameter' (x) and 'Strip thickness' (y, one cell) "
        "whose two y faces are held at u_y = 0 (boundary id 3), i.e. a 2D "
        "plane-strain specimen computed by the 3D solver, with 8 * "
        "2^(Lateral refinement) cells across its width. For verification "
        "(elastic stiffness E/(1 - nu^2)) and for mesh studies of shear "
        "bands, where cells can be made small at 2D cost. Needs Taper angle "
        "= 0, no base and no fillet; A0 = D * thickness. Refine it with "
        "'Lateral refinement' (Global refinements would also split the "
        "thickness).");
      prm.declare_entry("Strip thickness",
                        "0.1",
                        Patterns::Double(),
                        "Thickness of a plane-strain strip in y [µm]; > 0. "
                        "It only scales A0 and the force (the field does "
                        "not vary through it).");
      prm.declare_entry(
        "Curved free surface",
        "true",
        Patterns::Bool(),
        "Attach a surface of revolution (manifold id 1) to the lateral free "
        "surface of pillar and base, so that global refinement by the solver "
        "puts new boundary vertices on the cone/cylinder. false: all flat.");
    }


    void
    Pillar::parse_parameters(ParameterHandler                          &prm,
                             const std::map<std::string, unsigned int> &ids)
    {
      InputErrors errors;

      mesh_source         = prm.get("Mesh source");
      mesh_file           = prm.get("Mesh file");
      diameter            = prm.get_double("Top diameter");
      pillar_height       = prm.get_double("Height");
      taper_degrees       = prm.get_double("Taper angle");
      base                = prm.get_bool("Base");
      base_radius         = prm.get_double("Base radius");
      base_depth          = prm.get_double("Base depth");
      fillet_radius       = prm.get_double("Fillet radius");
      cells_per_layer     = prm.get_integer("Cells per layer");
      axial_cells         = prm.get_integer("Axial cells");
      lateral_refinement  = prm.get_integer("Lateral refinement");
      top_corner_grading  = prm.get_double("Top corner grading");
      axis_grading        = prm.get_double("Axis grading");
      curved_free_surface = prm.get_bool("Curved free surface");
      strip               = (prm.get("Cross-section") == "plane strain strip");
      strip_thickness     = prm.get_double("Strip thickness");
      const std::string stack_text = prm.get("Layer stack");
      const std::string base_text  = Utilities::trim(prm.get("Base material"));
      stack.clear();
      fillet_centre_r = 0.;
      fillet_top      = 0.;

      // (Every Double entry is checked finite when the file is read; this
      // guards callers that set entries programmatically.)
      for (const auto &[entry, value] :
           std::vector<std::pair<std::string, double>>{
             {"Top diameter", diameter},
             {"Height", pillar_height},
             {"Taper angle", taper_degrees},
             {"Base radius", base_radius},
             {"Base depth", base_depth},
             {"Fillet radius", fillet_radius},
             {"Strip thickness", strip_thickness},
             {"Top corner grading", top_corner_grading},
             {"Axis grading", axis_grading}})
        if (!std::isfinite(value))
          errors.add(entry, fmt(value), "must be a finite number.");
      errors.throw_if_any();

      if (!(diameter > 0.))
        errors.add("Top diameter", fmt(diameter), "must be > 0 [µm].");
      if (!(pillar_height > 0.))
        errors.add("Height", fmt(pillar_height), "must be > 0 [µm].");
      if (!(std::abs(taper_degrees) < 45.))
        errors.add("Taper angle",
                   fmt(taper_degrees),
                   "must lie in (-45, 45) degrees.");
      if (!(top_corner_grading >= 1. && top_corner_grading <= 100.))
        errors.add("Top corner grading",
                   fmt(top_corner_grading),
                   "must lie in [1, 100] (1: uniform cells).");
      else if (top_corner_grading > 1. && (strip || mesh_source == "gmsh"))
        errors.add("Top corner grading",
                   fmt(top_corner_grading),
                   "grades the generated round pillar only (1 for a strip "
                   "or a Gmsh mesh).");
      if (!(axis_grading >= 1. && axis_grading <= 100.))
        errors.add("Axis grading",
                   fmt(axis_grading),
                   "must lie in [1, 100] (1: uniform cells).");
      else if (axis_grading > 1. && (strip || mesh_source == "gmsh"))
        errors.add("Axis grading",
                   fmt(axis_grading),
                   "grades the generated round pillar only (1 for a strip "
                   "or a Gmsh mesh).");
      else if (axis_grading > 1. && top_corner_grading > 1.)
        errors.add("Axis grading",
                   fmt(axis_grading),
                   "and 'Top corner grading' = " + fmt(top_corner_grading) +
                     " grade the disk in opposite directions: set one of "
                     "them to 1.");
      if (strip)
      {
        const std::string why = "a 'Cross-section = plane strain strip' ";
        if (mesh_source != "generator")
          errors.add("Cross-section",
                     "plane strain strip",
                     "is built by the generator; set 'Mesh source = "
                     "generator' (a Gmsh mesh can tag its plane-strain faces "
                     "with physical surface 3 instead).");
        if (!(strip_thickness > 0.))
          errors.add("Strip thickness",
                     fmt(strip_thickness),
                     "must be > 0 [µm].");
        if (taper_degrees != 0.)
          errors.add("Taper angle",
                     fmt(taper_degrees),
                     why + "is straight: set 'Taper angle = 0'.");
        if (base)
          errors.add("Base",
                     "true",
                     why + "has no base block: set 'Base = false'.");
        if (fillet_radius != 0.)
          errors.add("Fillet radius",
                     fmt(fillet_radius),
                     why + "has no fillet: set 'Fillet radius = 0'.");
      }
      errors.throw_if_any();

      const double r_foot = taper_radius(0.);
      if (r_foot < diameter / 8.)
        errors.add("Taper angle",
                   fmt(taper_degrees),
                   "the taper closes the pillar: its foot radius r(0) = D/2 "
                   "+ H tan(theta) = " +
                     fmt(r_foot) + " µm is below D/8 = " + fmt(diameter / 8.) +
                     " µm. Use a smaller negative angle (or a positive one: "
                     "the radius grows downward).");

      if (mesh_source == "gmsh")
      {
        gmsh_cells = check_gmsh_file(mesh_file);
        if (gmsh_cells > mesh_bounds::max_coarse_cells)
          errors.add("Mesh file",
                     mesh_file,
                     "holds " + std::to_string(gmsh_cells) +
                       " hexahedra, more than micropillar's bound of " +
                       fmt(mesh_bounds::max_coarse_cells) +
                       " coarse cells (the coarse mesh is replicated on "
                       "every MPI rank): coarsen it and use 'Finite "
                       "element/Global refinements'.");
        errors.throw_if_any();

        Triangulation<3> tria;
        read_mesh_file(tria);
        const double tol = 1e-6 * pillar_height;

        std::map<unsigned int, std::string> names;
        for (const auto &m : ids)
          names[m.second] = m.first;

        // One layer per material of the cells in 0 <= z <= H.
        std::map<unsigned int, std::pair<double, double>> z_range;
        double z_min = std::numeric_limits<double>::max();
        double z_max = -z_min, r_top = 0.;
        for (const auto &v : tria.get_vertices())
        {
          z_min = std::min(z_min, v[2]);
          z_max = std::max(z_max, v[2]);
        }
        for (const auto &v : tria.get_vertices())
          if (std::abs(v[2] - z_max) < tol)
            r_top = std::max(r_top, std::hypot(v[0], v[1]));

        std::set<unsigned int>       unknown_ids;
        std::set<types::boundary_id> boundary_ids;
        for (const auto &cell : tria.active_cell_iterators())
        {
          if (names.count(cell->material_id()) == 0)
            unknown_ids.insert(cell->material_id());
          for (const auto &face : cell->face_iterators())
            if (face->at_boundary())
              boundary_ids.insert(face->boundary_id());
          const double zc = cell->center()[2];
          if (zc < -tol || zc > pillar_height + tol)
            continue;
          auto it = z_range
                      .emplace(cell->material_id(),
                               std::make_pair(std::max(0., zc), zc))
                      .first;
          for (const unsigned int v : cell->vertex_indices())
          {
            const double z    = cell->vertex(v)[2];
            it->second.first  = std::min(it->second.first, std::max(0., z));
            it->second.second = std::max(it->second.second, z);
          }
        }

        for (const unsigned int id : unknown_ids)
          errors.add("Mesh file",
                     mesh_file,
                     "physical volume tag " + std::to_string(id) +
                       " is not the id of a material in subsection "
                       "Materials (ids are positions in its list, from 0; "
                       "materials: " +
                       valid_names(ids) + ").");
        for (const types::boundary_id b : boundary_ids)
          if (b != boundary_id::free_surface && b != boundary_id::punch &&
              b != boundary_id::bottom && b != boundary_id::plane_strain)
            errors.add("Mesh file",
                       mesh_file,
                       "physical surface tag " + std::to_string(b) +
                         " is not a boundary id (1 punch, 2 bottom, 3 plane "
                         "strain u_y = 0, 0 free surface).");
        if (boundary_ids.count(boundary_id::punch) == 0 ||
            boundary_ids.count(boundary_id::bottom) == 0)
          errors.add("Mesh file",
                     mesh_file,
                     "needs physical surfaces 1 (punch) and 2 (bottom).");
        if (std::abs(z_max - pillar_height) > tol)
          errors.add("Height",
                     fmt(pillar_height),
                     "does not match the top of the mesh file " + mesh_file +
                       " (z = " + fmt(z_max) +
                       "); the pillar foot must be at z = 0.");
        else if (std::abs(2. * r_top - diameter) > 1e-3 * diameter)
          errors.add("Top diameter",
                     fmt(diameter),
                     "does not match the top face of the mesh file " +
                       mesh_file + " (diameter " + fmt(2. * r_top) + ").");
        errors.throw_if_any();

        for (const auto &r : z_range)
          stack.push_back(Layer{names[r.first],
                                r.first,
                                r.second.first,
                                r.second.second - r.second.first});
        std::sort(stack.begin(),
                  stack.end(),
                  [](const Layer &a, const Layer &b)
                  { return a.z_bottom < b.z_bottom; });
        base        = (z_min < -tol);
        homogeneous = (stack.size() <= 1);
        return;
      }

      // --- Layer stack.
      struct Entry
      {
        std::string  name;
        unsigned int id;
        double       thickness;
      };
      std::vector<Entry>             period;
      const std::vector<std::string> items =
        Utilities::split_string_list(stack_text, ',');
      if (items.empty())
      {
        const auto it =
          std::find_if(ids.begin(),
                       ids.end(),
                       [](const auto &m) { return m.second == 0; });
        if (it == ids.end())
          errors.add("Layer stack",
                     "",
                     "empty, and there is no material with id 0 to fill "
                     "the pillar. Name a material: " +
                       valid_names(ids) + ".");
        else
          period.push_back({it->first, 0, 0.});
      }
      for (const std::string &item : items)
      {
        const auto  colon = item.find(':');
        std::string name  = Utilities::trim(item.substr(0, colon));
        double      t     = 0.;
        if (colon != std::string::npos)
        {
          const std::string value = Utilities::trim(item.substr(colon + 1));
          char             *end   = nullptr;
          t                       = std::strtod(value.c_str(), &end);
          if (value.empty() || *end != '\0' || !(t > 0.) || !std::isfinite(t) ||
              t < 1e-300)
          {
            errors.add("Layer stack",
                       stack_text,
                       "thickness <" + value + "> of <" + name +
                         "> must be a finite number > 0 [µm].");
            continue;
          }
        }
        else if (items.size() > 1)
        {
          errors.add("Layer stack",
                     stack_text,
                     "item <" + item +
                       "> needs a thickness: write 'name:thickness' [µm] "
                       "(only a single-material stack may omit it).");
          continue;
        }
        const auto it = ids.find(name);
        if (it == ids.end())
          errors.add("Layer stack",
                     stack_text,
                     "unknown material <" + name +
                       ">; valid names (subsection Materials): " +
                       valid_names(ids) + ".");
        else
          period.push_back({name, it->second, t});
      }
      errors.throw_if_any();

      homogeneous    = (period.size() == 1 && period[0].thickness == 0.);
      const double H = pillar_height;
      if (homogeneous)
        stack.push_back({period[0].name, period[0].id, 0., H});
      else
      {
        double t_min = std::numeric_limits<double>::max(), t_period = 0.;
        for (const Entry &e : period)
        {
          t_min = std::min(t_min, e.thickness);
          t_period += e.thickness;
        }
        if (H / t_period * period.size() > 1e5)
          errors.add("Layer stack",
                     stack_text,
                     "gives more than 100000 layers over the height " + fmt(H) +
                       " µm.");
        errors.throw_if_any();

        // Tiling from the foot; see the doc of "Layer stack".
        const double tol = 1e-8 * t_min;
        double       z   = 0.;
        for (unsigned int k = 0; H - z > tol; ++k)
        {
          const Entry &e         = period[k % period.size()];
          const double remaining = H - z;
          if (e.thickness < remaining - tol)
          {
            stack.push_back({e.name, e.id, z, e.thickness});
            z += e.thickness;
            continue;
          }
          if (remaining < 0.5 * e.thickness - tol && !stack.empty())
            stack.back().thickness = H - stack.back().z_bottom;
          else
            stack.push_back({e.name, e.id, z, remaining});
          break;
        }
      }

      // --- Base block and fillet.
      if (base_text.empty())
        base_material_id = stack.front().material_id;
      else if (ids.count(base_text) == 0)
        errors.add("Base material",
                   base_text,
                   "unknown material; valid names (subsection Materials): " +
                     valid_names(ids) + ".");
      else
        base_material_id = ids.at(base_text);

      if (fillet_radius < 0.)
        errors.add("Fillet radius", fmt(fillet_radius), "must be >= 0 [µm].");
      else if (fillet_radius > 0. && !base)
        errors.add("Fillet radius",
                   fmt(fillet_radius),
                   "a fillet joins the pillar to its base: set 'Base = true' "
                   "or 'Fillet radius = 0'.");
      else if (fillet_radius > 0.)
      {
        // The void wedge between the base top and the flank has the
        // opening angle alpha = 90 + theta; the arc touches both lines at
        // the distance t = rho / tan(alpha/2) from the corner.
        const double theta = taper_degrees * numbers::PI / 180.;
        const double t =
          fillet_radius / std::tan(0.5 * (0.5 * numbers::PI + theta));
        fillet_centre_r = r_foot + t;
        fillet_top      = t * std::cos(theta);
        if (fillet_top > 0.5 * H)
          errors.add("Fillet radius",
                     fmt(fillet_radius),
                     "the fillet reaches z = " + fmt(fillet_top) +
                       " µm, more than half the height; use a smaller "
                       "radius.");
      }
      if (base)
      {
        if (!(base_depth > 0.))
          errors.add("Base depth", fmt(base_depth), "must be > 0 [µm].");
        const double r_junction = std::max(r_foot, fillet_centre_r);
        if (!(base_radius > r_junction))
          errors.add("Base radius",
                     fmt(base_radius),
                     "must exceed the radius of the pillar's foot, r(0) = "
                     "D/2 + H tan(theta)" +
                       std::string(fillet_radius > 0. ? " + fillet" : "") +
                       " = " + fmt(r_junction) + " µm.");
      }
      errors.throw_if_any();

      // Refuse absurd sizes before anything is allocated.
      const double n_cells = coarse_cell_estimate();
      AssertThrow(n_cells <= mesh_bounds::max_coarse_cells,
                  ExcMessage("Geometry: the coarse mesh would have " +
                             coarse_cell_summary() +
                             ", more than micropillar's bound of " +
                             fmt(mesh_bounds::max_coarse_cells) +
                             " coarse cells (the coarse mesh is replicated "
                             "on every MPI rank). Check these entries."));
    }


    double
    Pillar::axial_levels() const
    {
      if (!homogeneous)
        return static_cast<double>(stack.size()) * cells_per_layer;
      const double h_lat =
        strip ? diameter / (8u << lateral_refinement)
              : lateral_cell_size(0.5 * diameter, lateral_refinement);
      const double H = pillar_height;
      const double n =
        axial_cells > 0 ? axial_cells : std::max(1., std::round(H / h_lat));
      if (!(fillet_top > 0.))
        return n;
      const double n_f = std::max(2., std::ceil(fillet_top * n / H));
      return n_f + std::max(1., std::round((H - fillet_top) * n / H));
    }


    double
    Pillar::base_cells() const
    {
      if (!base)
        return 0.;
      const double per_level = 12. * std::pow(4., lateral_refinement);
      const double n_ring    = 8. * std::pow(2., lateral_refinement);
      const double r0        = radius(0.);
      const double q         = 1. + 2. * numbers::PI / n_ring;
      const double n_rings =
        std::max(1., std::ceil(std::log(base_radius / r0) / std::log(q)));
      const double h0  = std::min(r0 * (q - 1.), base_depth);
      const double n_z = std::max(
        1., std::ceil(std::log(1. + base_depth * (q - 1.) / h0) / std::log(q)));
      return (per_level + n_rings * n_ring) * n_z;
    }


    double
    Pillar::coarse_cell_estimate() const
    {
      if (mesh_source == "gmsh")
        return static_cast<double>(gmsh_cells);
      const double per_level = strip ? 8. * std::pow(2., lateral_refinement)
                                     : 12. * std::pow(4., lateral_refinement);
      return per_level * axial_levels() + base_cells();
    }


    std::string
    Pillar::coarse_cell_summary() const
    {
      std::ostringstream s;
      s.precision(3);
      s << coarse_cell_estimate() << " cells (";
      if (mesh_source == "gmsh")
      {
        s << "the hexahedra of Geometry/Mesh file = " << mesh_file << ")";
        return s.str();
      }
      s << (strip ? 8. * std::pow(2., lateral_refinement)
                  : 12. * std::pow(4., lateral_refinement))
        << " per cross-section with Geometry/Lateral refinement = "
        << lateral_refinement << ", times " << axial_levels()
        << " through the height from ";
      if (!homogeneous)
        s << stack.size() << " layers of Geometry/Layer stack over "
          << "Geometry/Height = " << pillar_height
          << " µm, Geometry/Cells per layer = " << cells_per_layer;
      else if (axial_cells > 0)
        s << "Geometry/Axial cells = " << axial_cells;
      else
        s << "Geometry/Height = " << pillar_height
          << " µm over about cubic cells of Geometry/Top diameter = "
          << diameter << " µm (Geometry/Axial cells = 0)";
      if (base)
        s << "; base block: " << base_cells()
          << " cells from Geometry/Base radius = " << base_radius
          << " and Geometry/Base depth = " << base_depth;
      s << ")";
      return s.str();
    }


    double
    Pillar::taper_radius(const double z) const
    {
      return 0.5 * diameter +
             (pillar_height - z) * std::tan(taper_degrees * numbers::PI / 180.);
    }


    double
    Pillar::radius(const double z) const
    {
      double r = taper_radius(z);
      if (fillet_radius > 0. && z < fillet_top)
      {
        const double dz = z - fillet_radius;
        r =
          std::max(r,
                   fillet_centre_r -
                     std::sqrt(
                       std::max(0., fillet_radius * fillet_radius - dz * dz)));
      }
      return r;
    }


    void
    Pillar::create_triangulation(Triangulation<3> &tria) const
    {
      Triangulation<3> serial;
      if (mesh_source == "gmsh")
        read_mesh_file(serial);
      else
        generate(serial);
      check_mesh_quality(serial);
      tria.clear();
      tria.copy_triangulation(serial);
    }


    void
    Pillar::check_mesh_quality(const Triangulation<3> &tria) const
    {
      double   min_edge = std::numeric_limits<double>::max(), worst_aspect = 0.;
      Point<3> min_at, aspect_at;
      for (const auto &cell : tria.active_cell_iterators())
      {
        double lo = std::numeric_limits<double>::max(), hi = 0.;
        for (unsigned int l = 0; l < cell->n_lines(); ++l)
        {
          const double e =
            cell->line(l)->vertex(0).distance(cell->line(l)->vertex(1));
          lo = std::min(lo, e);
          hi = std::max(hi, e);
        }
        if (lo < min_edge)
        {
          min_edge = lo;
          min_at   = cell->center();
        }
        const double aspect = lo > 0. ? hi / lo : 1e300;
        if (aspect > worst_aspect)
        {
          worst_aspect = aspect;
          aspect_at    = cell->center();
        }
      }
      const double min_allowed = mesh_bounds::min_edge_over_diameter * diameter;
      const bool   too_small   = !(min_edge >= min_allowed);
      const bool   too_long = !(worst_aspect <= mesh_bounds::max_aspect_ratio);
      if (!too_small && !too_long)
        return;

      // The entries that made the cell at p.
      const Point<3>     p = too_small ? min_at : aspect_at;
      std::ostringstream s;
      s.precision(10);
      std::string entries;
      if (mesh_source == "gmsh")
        entries = "Geometry/Mesh file = " + mesh_file;
      else if (base && p[2] < 0.)
        s << "Geometry/Base radius = " << base_radius
          << " (the pillar's foot radius is " << radius(0.)
          << " µm), Geometry/Base depth = " << base_depth;
      else if (fillet_top > 0. && p[2] < fillet_top)
        s << "Geometry/Fillet radius = " << fillet_radius
          << " (the fillet spans z = 0.." << fillet_top << " µm)";
      else if (strip)
        s << "Geometry/Strip thickness = " << strip_thickness
          << ", Geometry/Top diameter = " << diameter
          << ", Geometry/Lateral refinement = " << lateral_refinement;
      else if (!homogeneous)
      {
        double t_min = std::numeric_limits<double>::max();
        for (const Layer &l : stack)
          t_min = std::min(t_min, l.thickness);
        s << "Geometry/Layer stack (thinnest layer " << t_min
          << " µm), Geometry/Cells per layer = " << cells_per_layer
          << ", Geometry/Lateral refinement = " << lateral_refinement
          << ", Geometry/Top diameter = " << diameter;
      }
      else
        s << "Geometry/Height = " << pillar_height
          << ", Geometry/Axial cells = " << axial_cells
          << ", Geometry/Lateral refinement = " << lateral_refinement
          << ", Geometry/Top diameter = " << diameter;
      if (mesh_source != "gmsh" && taper_degrees != 0.)
        s << ", Geometry/Taper angle = " << taper_degrees;
      if (entries.empty())
        entries = s.str();

      std::ostringstream m;
      m.precision(4);
      m << "Geometry: degenerate coarse mesh: ";
      if (too_small)
        m << "a cell edge of " << min_edge << " µm at z = " << min_at[2]
          << " µm, below " << mesh_bounds::min_edge_over_diameter
          << " * Geometry/Top diameter = " << min_allowed << " µm";
      else
        m << "a cell with edges " << worst_aspect
          << " times longer than its shortest at z = " << aspect_at[2]
          << " µm, above micropillar's bound of "
          << mesh_bounds::max_aspect_ratio;
      m << ". It comes from " << entries
        << ": change them (such cells make the stiffness matrix singular "
           "in practice).";
      AssertThrow(false, ExcMessage(m.str()));
    }


    void
    Pillar::read_mesh_file(Triangulation<3> &tria) const
    {
      std::ifstream in(mesh_file);
      AssertThrow(in,
                  ExcMessage("Geometry/Mesh file = " + mesh_file +
                             ": file not found"));
      GridIn<3> grid_in;
      grid_in.attach_triangulation(tria);
      try
      {
        grid_in.read_msh(in);
      }
      catch (const ExceptionBase &e)
      {
        std::ostringstream info;
        e.print_info(info);
        std::string        text;
        std::istringstream lines(info.str());
        for (std::string l; std::getline(lines, l);)
          if (!Utilities::trim(l).empty())
            text += (text.empty() ? "" : " ") + Utilities::trim(l);
        AssertThrow(false,
                    ExcMessage("Geometry/Mesh file = " + mesh_file +
                               ": deal.II cannot read it: " + text));
      }
    }


    void
    Pillar::generate(Triangulation<3> &tria) const
    {
      const double H = pillar_height;

      // --- The unit disk, its quads and its boundary ring (by angle); for a
      // strip the unit-scaled rectangle [-1, 1] x [-t/D, t/D] of n x 1
      // quads (the ring is only used by the base block, which a strip has
      // not).
      Triangulation<2> disk;
      if (strip)
        GridGenerator::subdivided_hyper_rectangle(
          disk,
          {8u << lateral_refinement, 1u},
          Point<2>(-1., -strip_thickness / diameter),
          Point<2>(1., strip_thickness / diameter));
      else
      {
        Triangulation<2> refined;
        GridGenerator::hyper_ball_balanced(refined, Point<2>(), 1.);
        refined.refine_global(lateral_refinement);
        GridGenerator::flatten_triangulation(refined, disk);
        if (top_corner_grading > 1. || axis_grading > 1.)
        {
          // r' = g r / (1 + (g - 1) r): monotone, fixes the centre and the
          // rim, dr'/dr = g at the centre and 1/g at the rim.
          // (Axis grading: the same map with g = 1/sqrt(a) < 1.)
          const double g = top_corner_grading > 1.
                             ? std::sqrt(top_corner_grading)
                             : 1. / std::sqrt(axis_grading);
          GridTools::transform(
            [g](const Point<2> &p) {
              return Point<2>(g / (1. + (g - 1.) * std::min(1., p.norm())) * p);
            },
            disk);
        }
      }
      const std::vector<Point<2>>             &u      = disk.get_vertices();
      const unsigned int                       n_disk = u.size();
      std::vector<std::array<unsigned int, 4>> quads;
      std::set<unsigned int>                   boundary;
      for (const auto &cell : disk.active_cell_iterators())
      {
        quads.push_back({{cell->vertex_index(0),
                          cell->vertex_index(1),
                          cell->vertex_index(2),
                          cell->vertex_index(3)}});
        for (const auto &face : cell->face_iterators())
          if (face->at_boundary())
            for (unsigned int v = 0; v < 2; ++v)
              boundary.insert(face->vertex_index(v));
      }
      std::vector<unsigned int> ring(boundary.begin(), boundary.end());
      const auto                angle = [&u](const unsigned int i)
      {
        const double a = std::atan2(u[i][1], u[i][0]);
        return a < 0. ? a + 2. * numbers::PI : a;
      };
      std::sort(ring.begin(),
                ring.end(),
                [&](unsigned int a, unsigned int b)
                { return angle(a) < angle(b); });
      const unsigned int n_ring = ring.size();

      // --- Pillar z levels: every layer interface is a level.
      const double h_lat =
        strip ? diameter / (8u << lateral_refinement)
              : lateral_cell_size(0.5 * diameter, lateral_refinement);
      std::vector<double>       z_levels;
      std::vector<unsigned int> slab_layer;
      if (homogeneous)
      {
        const unsigned int n =
          axial_cells > 0
            ? axial_cells
            : std::max(1u, static_cast<unsigned int>(std::round(H / h_lat)));
        double z0 = 0.;
        if (fillet_top > 0.)
        {
          // Resolve the fillet with at least two cells of its own.
          const unsigned int n_f =
            std::max(2u,
                     static_cast<unsigned int>(std::ceil(fillet_top * n / H)));
          for (unsigned int j = 0; j < n_f; ++j)
            z_levels.push_back(fillet_top * j / n_f);
          z0 = fillet_top;
        }
        const unsigned int n_rest =
          std::max(1u, static_cast<unsigned int>(std::round((H - z0) * n / H)));
        // Cell heights h_j ~ q^(-j/(n_rest-1)) (uniform for q = 1).
        const double ratio =
          n_rest > 1 ? std::pow(top_corner_grading, -1. / (n_rest - 1)) : 1.;
        std::vector<double> heights(n_rest, 1.);
        for (unsigned int j = 1; j < n_rest; ++j)
          heights[j] = heights[j - 1] * ratio;
        double total = 0.;
        for (const double h : heights)
          total += h;
        double acc = 0.;
        for (unsigned int j = 0; j < n_rest; ++j)
        {
          // (q = 1: exactly the uniform levels of the meshes before.)
          z_levels.push_back(top_corner_grading > 1.
                               ? z0 + (H - z0) * acc / total
                               : z0 + (H - z0) * j / n_rest);
          acc += heights[j];
        }
        slab_layer.assign(z_levels.size(), 0);
      }
      else
        for (unsigned int l = 0; l < stack.size(); ++l)
          for (unsigned int j = 0; j < cells_per_layer; ++j)
          {
            z_levels.push_back(stack[l].z_bottom +
                               stack[l].thickness * j / cells_per_layer);
            slab_layer.push_back(l);
          }
      z_levels.push_back(H);
      const unsigned int n_levels = z_levels.size();

      // --- Pillar vertices and cells: vertex i of level k is k*n_disk + i.
      std::vector<Point<3>>    vertices;
      std::vector<CellData<3>> cells;
      for (const double z : z_levels)
      {
        const double r = radius(z);
        for (const Point<2> &p : u)
          vertices.emplace_back(r * p[0], r * p[1], z);
      }
      for (unsigned int k = 0; k + 1 < n_levels; ++k)
        for (const auto &q : quads)
        {
          CellData<3> c;
          for (unsigned int v = 0; v < 4; ++v)
          {
            c.vertices[v]     = k * n_disk + q[v];
            c.vertices[v + 4] = (k + 1) * n_disk + q[v];
          }
          c.material_id = stack[slab_layer[k]].material_id;
          cells.push_back(c);
        }

      // --- Base block: the disk at the foot radius plus an annulus of
      // n_rings rings through the disk's boundary vertices, radii growing by
      // the factor q ~ 1 + 2 pi / n_ring (about square cells), and the same
      // grading downward.
      if (base)
      {
        const double       r0 = radius(0.);
        const double       q  = 1. + 2. * numbers::PI / n_ring;
        const unsigned int n_rings =
          std::max(1,
                   static_cast<int>(
                     std::ceil(std::log(base_radius / r0) / std::log(q))));
        // 2D vertices of the base: the disk's, then ring j = 1..n_rings.
        std::vector<Point<2>> ub;
        for (const Point<2> &p : u)
          ub.push_back(r0 * p);
        for (unsigned int j = 1; j <= n_rings; ++j)
        {
          const double rj =
            r0 * std::pow(base_radius / r0, double(j) / n_rings);
          for (const unsigned int i : ring)
            ub.push_back(rj / u[i].norm() * u[i]);
        }
        const auto ring_vertex = [&](unsigned int j, unsigned int b)
        {
          b %= n_ring;
          return j == 0 ? ring[b] : n_disk + (j - 1) * n_ring + b;
        };
        std::vector<std::array<unsigned int, 4>> base_quads = quads;
        for (unsigned int j = 0; j < n_rings; ++j)
          for (unsigned int b = 0; b < n_ring; ++b)
            // x: radially outward, y: counter-clockwise: positive.
            base_quads.push_back({{ring_vertex(j, b),
                                   ring_vertex(j + 1, b),
                                   ring_vertex(j, b + 1),
                                   ring_vertex(j + 1, b + 1)}});

        // Levels downward from z = 0, first cell about the width of the
        // first ring, scaled to end at -depth.
        const double       h0 = std::min(r0 * (q - 1.), base_depth);
        const unsigned int n_z =
          std::max(1,
                   static_cast<int>(std::ceil(
                     std::log(1. + base_depth * (q - 1.) / h0) / std::log(q))));
        std::vector<double> h(n_z);
        double              sum = 0.;
        for (unsigned int k = 0; k < n_z; ++k)
          sum += (h[k] = h0 * std::pow(q, k));
        std::vector<double> zb(1, 0.);
        for (unsigned int k = 0; k < n_z; ++k)
          zb.push_back(k + 1 == n_z ? -base_depth
                                    : zb.back() - h[k] * base_depth / sum);

        // Global index of base vertex i at level k; level 0 reuses the
        // pillar's foot vertices.
        std::vector<std::vector<unsigned int>> index(
          zb.size(), std::vector<unsigned int>(ub.size()));
        for (unsigned int k = 0; k < zb.size(); ++k)
          for (unsigned int i = 0; i < ub.size(); ++i)
            if (k == 0 && i < n_disk)
              index[k][i] = i;
            else
            {
              index[k][i] = vertices.size();
              vertices.emplace_back(ub[i][0], ub[i][1], zb[k]);
            }
        for (unsigned int k = 0; k < n_z; ++k)
          for (const auto &q4 : base_quads)
          {
            CellData<3> c;
            for (unsigned int v = 0; v < 4; ++v)
            {
              c.vertices[v]     = index[k + 1][q4[v]];
              c.vertices[v + 4] = index[k][q4[v]];
            }
            c.material_id = base_material_id;
            cells.push_back(c);
          }
      }

      GridTools::consistently_order_cells(cells);
      tria.create_triangulation(vertices, cells, SubCellData());

      // --- Boundary and manifold ids from the geometry of each face.
      const double z_bottom = base ? -base_depth : 0.;
      const double tol      = 1e-9 * (H + (base ? base_depth : 0.));
      for (const auto &cell : tria.active_cell_iterators())
        for (const auto &face : cell->face_iterators())
          if (face->at_boundary())
          {
            double z_lo = std::numeric_limits<double>::max(), z_hi = -z_lo;
            for (const unsigned int v : face->vertex_indices())
            {
              z_lo = std::min(z_lo, face->vertex(v)[2]);
              z_hi = std::max(z_hi, face->vertex(v)[2]);
            }
            // (Every vertex of a one-cell strip lies on a y face: test the
            // face centre.)
            const bool on_y_face =
              strip && std::abs(std::abs(face->center()[1]) -
                                0.5 * strip_thickness) < tol;
            if (on_y_face)
              face->set_boundary_id(boundary_id::plane_strain);
            else if (z_hi - z_lo > tol)
            {
              face->set_boundary_id(boundary_id::free_surface);
              if (curved_free_surface && !strip)
                face->set_all_manifold_ids(manifold_id::free_surface);
            }
            else if (std::abs(z_lo - H) < tol)
              face->set_boundary_id(boundary_id::punch);
            else if (std::abs(z_lo - z_bottom) < tol)
              face->set_boundary_id(boundary_id::bottom);
            else
              face->set_boundary_id(boundary_id::free_surface);
          }
      if (curved_free_surface && !strip)
        tria.set_manifold(manifold_id::free_surface, RevolutionManifold());
    }


    constitutive::PointContext
    Pillar::context(const Point<3> &X, const unsigned int material_id) const
    {
      constitutive::PointContext c;
      c.X              = X;
      c.material_id    = material_id;
      const double tol = 1e-9 * pillar_height;
      if (stack.empty() || X[2] < -tol || X[2] > pillar_height + tol)
        return c;

      unsigned int l = 0;
      if (mesh_source == "gmsh")
      {
        // One layer per material: found by id.
        while (l < stack.size() && stack[l].material_id != material_id)
          ++l;
        if (l == stack.size())
          return c;
      }
      else
      {
        const auto it = std::upper_bound(stack.begin(),
                                         stack.end(),
                                         X[2],
                                         [](const double z, const Layer &layer)
                                         { return z < layer.z_bottom; });
        l             = (it == stack.begin()) ? 0 : (it - stack.begin()) - 1;
        // On an interface, the neighbour of the right material wins.
        if (stack[l].material_id != material_id)
        {
          if (l > 0 && X[2] - stack[l].z_bottom < tol &&
              stack[l - 1].material_id == material_id)
            --l;
          else if (l + 1 < stack.size() && stack[l + 1].z_bottom - X[2] < tol &&
                   stack[l + 1].material_id == material_id)
            ++l;
        }
      }
      c.layer_index     = l;
      c.layer_thickness = stack[l].thickness;
      // An interface is a neighbour of another material; a one-material
      // stack (a homogeneous pillar) has none.
      const unsigned int id = stack[l].material_id;
      c.layer_has_interface =
        (l > 0 && stack[l - 1].material_id != id) ||
        (l + 1 < stack.size() && stack[l + 1].material_id != id);
      return c;
    }


    double
    Pillar::height() const
    {
      return pillar_height;
    }


    double
    Pillar::top_diameter() const
    {
      return diameter;
    }


    double
    Pillar::reference_area() const
    {
      if (strip)
        return diameter * strip_thickness;
      const double r = taper_radius(0.8 * pillar_height);
      return numbers::PI * r * r;
    }


    double
    Pillar::top_area() const
    {
      return strip ? diameter * strip_thickness
                   : 0.25 * numbers::PI * diameter * diameter;
    }


    bool
    Pillar::is_strip() const
    {
      return strip;
    }


    const std::vector<Layer> &
    Pillar::layers() const
    {
      return stack;
    }


    bool
    Pillar::has_base() const
    {
      return base;
    }


    double
    Pillar::taper_angle() const
    {
      return taper_degrees;
    }
  } // namespace geometry
} // namespace micropillar
