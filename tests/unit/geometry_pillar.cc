// Tests of geometry::Pillar: layer ids and conforming interfaces, boundary
// ids, taper, base block, fillet, reference area, tiling rule, context,
// input errors, the Gmsh example and a parallel::distributed triangulation.
// Has its own main() because the distributed test needs MPI.
#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria.h>
#include <deal.II/grid/tria_accessor.h>
#include <deal.II/grid/tria_iterator.h>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <micropillar/geometry/pillar.h>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace dealii;
using micropillar::geometry::Pillar;
namespace boundary_id = micropillar::geometry::boundary_id;

namespace
{
  const std::map<std::string, unsigned int> material_ids = {{"crystal", 0},
                                                            {"glass", 1},
                                                            {"substrate", 2}};

  std::string
  meshes_dir()
  {
    const std::string file = __FILE__;
    return file.substr(0, file.rfind('/')) + "/../../meshes/";
  }

  /// Parse subsection Geometry with the given entries changed.
  Pillar
  make_pillar(const std::map<std::string, std::string> &entries)
  {
    ParameterHandler prm;
    prm.enter_subsection("Geometry");
    Pillar::declare_parameters(prm);
    for (const auto &e : entries)
      prm.set(e.first, e.second);
    Pillar pillar;
    pillar.parse_parameters(prm, material_ids);
    prm.leave_subsection();
    return pillar;
  }

  /// @p text with every run of whitespace one space (deal.II wraps long
  /// messages).
  std::string
  single_spaced(const std::string &text)
  {
    std::istringstream words(text);
    std::string        word, result;
    while (words >> word)
      result += (result.empty() ? "" : " ") + word;
    return result;
  }

  /// The what() of the exception thrown by parsing @p entries ("" if none).
  std::string
  error_of(const std::map<std::string, std::string> &entries)
  {
    try
    {
      make_pillar(entries);
    }
    catch (const std::exception &e)
    {
      // deal.II wraps long messages: compare with single spaces.
      std::istringstream words(e.what());
      std::string        word, text;
      while (words >> word)
        text += (text.empty() ? "" : " ") + word;
      return text;
    }
    return "";
  }

  const std::map<std::string, std::string> laminate = {
    {"Top diameter", "1.2"},
    {"Height", "2.4"},
    {"Layer stack", "crystal:0.018, glass:0.012"},
    {"Lateral refinement", "0"},
    {"Cells per layer", "1"}};

  double
  radius_of(const Point<3> &p)
  {
    return std::hypot(p[0], p[1]);
  }

  /// Every cell lies inside one layer, and has that layer's material.
  void
  check_layers(const Pillar &pillar, const Triangulation<3> &tria)
  {
    const auto  &layers         = pillar.layers();
    const double tol            = 1e-10;
    unsigned int n_pillar_cells = 0;
    for (const auto &cell : tria.active_cell_iterators())
    {
      const double zc = cell->center()[2];
      if (zc < 0.)
        continue;
      ++n_pillar_cells;
      const auto it = std::find_if(layers.begin(),
                                   layers.end(),
                                   [zc](const auto &l) {
                                     return zc >= l.z_bottom &&
                                            zc <= l.z_bottom + l.thickness;
                                   });
      ASSERT_NE(it, layers.end()) << "cell centre z = " << zc;
      EXPECT_EQ(cell->material_id(), it->material_id);
      for (const unsigned int v : cell->vertex_indices())
      {
        EXPECT_GE(cell->vertex(v)[2], it->z_bottom - tol);
        EXPECT_LE(cell->vertex(v)[2], it->z_bottom + it->thickness + tol);
      }
    }
    EXPECT_GT(n_pillar_cells, 0u);
  }

  /// No two vertices of @p tria coincide.
  unsigned int
  n_duplicated_vertices(const Triangulation<3> &tria)
  {
    std::vector<Point<3>> v = tria.get_vertices();
    std::sort(v.begin(),
              v.end(),
              [](const Point<3> &a, const Point<3> &b)
              {
                return a[2] < b[2] ||
                       (a[2] == b[2] &&
                        (a[0] < b[0] || (a[0] == b[0] && a[1] < b[1])));
              });
    unsigned int n = 0;
    for (unsigned int i = 0; i < v.size(); ++i)
      for (unsigned int j = i + 1; j < v.size() && v[j][2] - v[i][2] < 1e-10;
           ++j)
        if (v[i].distance(v[j]) < 1e-10)
          ++n;
    return n;
  }
} // namespace


TEST(GeometryPillar, LaminateMaterialIdsAndConformingInterfaces)
{
  const Pillar pillar = make_pillar(laminate);
  ASSERT_EQ(pillar.layers().size(), 160u);
  for (unsigned int l = 0; l < pillar.layers().size(); ++l)
  {
    const auto &layer = pillar.layers()[l];
    EXPECT_EQ(layer.material, l % 2 == 0 ? "crystal" : "glass");
    EXPECT_EQ(layer.material_id, l % 2);
    EXPECT_NEAR(layer.thickness, l % 2 == 0 ? 0.018 : 0.012, 1e-12);
  }
  EXPECT_NEAR(pillar.layers().back().z_bottom +
                pillar.layers().back().thickness,
              2.4,
              1e-12);

  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  EXPECT_EQ(tria.n_active_cells(), 160u * 12u);
  check_layers(pillar, tria);
}


TEST(GeometryPillar, TwoCellsPerLayerWithTaperAndBase)
{
  auto entries                  = laminate;
  entries["Height"]             = "0.3";
  entries["Cells per layer"]    = "2";
  entries["Lateral refinement"] = "1";
  entries["Taper angle"]        = "3";
  entries["Base"]               = "true";
  entries["Base radius"]        = "2";
  entries["Base depth"]         = "1";
  entries["Base material"]      = "substrate";
  const Pillar     pillar       = make_pillar(entries);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  check_layers(pillar, tria);
  unsigned int n_pillar = 0;
  for (const auto &cell : tria.active_cell_iterators())
  {
    if (cell->center()[2] > 0.)
      ++n_pillar;
    else
      EXPECT_EQ(cell->material_id(), 2u);
  }
  EXPECT_EQ(n_pillar, 20u * 2u * 48u);
}


TEST(GeometryPillar, BoundaryIds)
{
  for (const bool with_base : {false, true})
  {
    auto entries            = laminate;
    entries["Height"]       = "0.12";
    entries["Base"]         = with_base ? "true" : "false";
    entries["Base radius"]  = "3";
    entries["Base depth"]   = "1.5";
    const Pillar     pillar = make_pillar(entries);
    Triangulation<3> tria;
    pillar.create_triangulation(tria);
    const double z_bottom = with_base ? -1.5 : 0.;

    std::map<types::boundary_id, unsigned int> count;
    for (const auto &cell : tria.active_cell_iterators())
      for (const auto &face : cell->face_iterators())
        if (face->at_boundary())
        {
          ++count[face->boundary_id()];
          bool top = true, bottom = true;
          for (const unsigned int v : face->vertex_indices())
          {
            top    = top && std::abs(face->vertex(v)[2] - 0.12) < 1e-12;
            bottom = bottom && std::abs(face->vertex(v)[2] - z_bottom) < 1e-12;
          }
          if (top)
            EXPECT_EQ(face->boundary_id(), boundary_id::punch);
          else if (bottom)
            EXPECT_EQ(face->boundary_id(), boundary_id::bottom);
          else
            EXPECT_EQ(face->boundary_id(), boundary_id::free_surface);
        }
    EXPECT_EQ(count.size(), 3u);
    EXPECT_EQ(count[boundary_id::punch], 12u);
  }
}


TEST(GeometryPillar, TaperRadii)
{
  const double theta            = 5.;
  auto         entries          = laminate;
  entries["Layer stack"]        = "crystal";
  entries["Taper angle"]        = "5";
  entries["Lateral refinement"] = "1";
  const Pillar pillar           = make_pillar(entries);
  EXPECT_EQ(pillar.layers().size(), 1u);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);

  const double r_top    = 0.6;
  const double r_bottom = 0.6 + 2.4 * std::tan(theta * M_PI / 180.);
  double       max_top = 0., max_bottom = 0.;
  for (const auto &v : tria.get_vertices())
  {
    EXPECT_LE(radius_of(v), pillar.radius(v[2]) + 1e-12);
    if (std::abs(v[2] - 2.4) < 1e-12)
      max_top = std::max(max_top, radius_of(v));
    if (std::abs(v[2]) < 1e-12)
      max_bottom = std::max(max_bottom, radius_of(v));
  }
  EXPECT_NEAR(max_top, r_top, 1e-12);
  EXPECT_NEAR(max_bottom, r_bottom, 1e-12);
  // Boundary vertices lie on the cone, interior ones inside.
  for (const auto &cell : tria.active_cell_iterators())
    for (const auto &face : cell->face_iterators())
      if (face->at_boundary() &&
          face->boundary_id() == boundary_id::free_surface)
      {
        for (const unsigned int v : face->vertex_indices())
          EXPECT_NEAR(radius_of(face->vertex(v)),
                      r_top + (2.4 - face->vertex(v)[2]) *
                                std::tan(theta * M_PI / 180.),
                      1e-12);
      }
}


TEST(GeometryPillar, BaseIsMergedWithoutDuplicates)
{
  auto entries           = laminate;
  entries["Layer stack"] = "crystal";
  entries["Taper angle"] = "2";
  entries["Base"]        = "true";
  entries["Base radius"] = "3";
  entries["Base depth"]  = "2";
  const Pillar pillar    = make_pillar(entries);
  EXPECT_TRUE(pillar.has_base());
  Triangulation<3> tria;
  pillar.create_triangulation(tria);

  EXPECT_EQ(n_duplicated_vertices(tria), 0u);
  // Every vertex is used, so none is left unconnected by a failed merge.
  const std::vector<bool> &used = tria.get_used_vertices();
  EXPECT_EQ(std::count(used.begin(), used.end(), true),
            static_cast<long>(tria.n_vertices()));

  // The foot of the pillar is interior: no boundary face at z = 0 lies
  // inside the foot radius; the base's top annulus is free surface.
  const double r_foot = pillar.radius(0.);
  double       z_min  = 0.;
  for (const auto &v : tria.get_vertices())
    z_min = std::min(z_min, v[2]);
  EXPECT_NEAR(z_min, -2., 1e-12);
  unsigned int n_internal_foot_faces = 0;
  for (const auto &cell : tria.active_cell_iterators())
  {
    if (cell->center()[2] < 0.)
    {
      EXPECT_EQ(cell->material_id(), 0u);
    }
    for (const unsigned int f : cell->face_indices())
    {
      const auto     face = cell->face(f);
      const Point<3> c    = face->center();
      if (std::abs(c[2]) > 1e-12 ||
          std::abs(face->vertex(0)[2] - face->vertex(3)[2]) > 1e-12)
        continue;
      if (radius_of(c) < r_foot)
      {
        EXPECT_FALSE(face->at_boundary());
        ++n_internal_foot_faces;
      }
      else
      {
        EXPECT_TRUE(face->at_boundary());
        EXPECT_EQ(face->boundary_id(), boundary_id::free_surface);
      }
    }
  }
  EXPECT_EQ(n_internal_foot_faces, 2u * 12u); // seen from both sides
  double r_max = 0.;
  for (const auto &v : tria.get_vertices())
    r_max = std::max(r_max, radius_of(v));
  EXPECT_NEAR(r_max, 3., 1e-12);

  // The context of a base point is not in a layer.
  const auto base_point = pillar.context(Point<3>(0.1, 0., -0.5), 0);
  EXPECT_EQ(base_point.layer_index, numbers::invalid_unsigned_int);
  EXPECT_EQ(base_point.layer_thickness, 0.);
  EXPECT_FALSE(base_point.layer_has_interface);
}


TEST(GeometryPillar, Fillet)
{
  auto entries             = laminate;
  entries["Layer stack"]   = "crystal";
  entries["Base"]          = "true";
  entries["Base radius"]   = "3";
  entries["Fillet radius"] = "0.3";
  const Pillar     pillar  = make_pillar(entries);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  EXPECT_EQ(n_duplicated_vertices(tria), 0u);
  // No taper: a quarter circle centred at (0.6 + 0.3, 0.3).
  const double r_c = 0.9, z_c = 0.3, rho = 0.3;
  EXPECT_NEAR(pillar.radius(0.), r_c, 1e-12);
  EXPECT_NEAR(pillar.radius(0.3), 0.6, 1e-12);
  unsigned int n_on_arc = 0;
  for (const auto &cell : tria.active_cell_iterators())
    for (const auto &face : cell->face_iterators())
      if (face->at_boundary())
        for (const unsigned int v : face->vertex_indices())
        {
          const Point<3> p = face->vertex(v);
          if (p[2] > 1e-12 && p[2] < z_c - 1e-12 && radius_of(p) < r_c)
          {
            EXPECT_NEAR(std::hypot(radius_of(p) - r_c, p[2] - z_c), rho, 1e-12);
            ++n_on_arc;
          }
        }
  EXPECT_GT(n_on_arc, 0u);
}


TEST(GeometryPillar, ReferenceAreaAndContext)
{
  auto entries           = laminate;
  entries["Taper angle"] = "3";
  const Pillar pillar    = make_pillar(entries);
  const double r         = 0.6 + 0.2 * 2.4 * std::tan(3. * M_PI / 180.);
  EXPECT_NEAR(pillar.reference_area(), M_PI * r * r, 1e-12);
  EXPECT_DOUBLE_EQ(pillar.height(), 2.4);
  EXPECT_DOUBLE_EQ(pillar.top_diameter(), 1.2);
  EXPECT_FALSE(pillar.has_base());

  for (const unsigned int l : {0u, 1u, 77u, 159u})
  {
    const auto    &layer = pillar.layers()[l];
    const Point<3> X(0.1, -0.2, layer.z_bottom + 0.5 * layer.thickness);
    const auto     c = pillar.context(X, layer.material_id);
    EXPECT_EQ(c.layer_index, l);
    EXPECT_DOUBLE_EQ(c.layer_thickness, layer.thickness);
    EXPECT_EQ(c.material_id, layer.material_id);
    EXPECT_EQ(c.X, X);
    EXPECT_DOUBLE_EQ(c.layer_normal[2], 1.);
    // Every layer of a crystal/glass stack is bounded by an interface.
    EXPECT_TRUE(c.layer_has_interface) << "layer " << l;
  }
  // On the interface between layers 0 (crystal) and 1 (glass) the material
  // decides.
  const Point<3> X(0., 0., 0.018);
  EXPECT_EQ(pillar.context(X, 0).layer_index, 0u);
  EXPECT_EQ(pillar.context(X, 1).layer_index, 1u);
}


TEST(GeometryPillar, TilingRule)
{
  auto entries            = laminate;
  entries["Top diameter"] = "0.05";
  // Three whole periods.
  entries["Height"] = "0.09";
  EXPECT_EQ(make_pillar(entries).layers().size(), 6u);
  // Remnant 0.010 of a 0.018 crystal layer: >= half, kept as a cut layer.
  entries["Height"] = "0.1";
  {
    const Pillar pillar = make_pillar(entries);
    ASSERT_EQ(pillar.layers().size(), 7u);
    EXPECT_EQ(pillar.layers().back().material, "crystal");
    EXPECT_NEAR(pillar.layers().back().thickness, 0.01, 1e-12);
    Triangulation<3> tria;
    pillar.create_triangulation(tria);
    check_layers(pillar, tria);
  }
  // Remnant 0.005 < 0.009: merged into the glass layer below (0.017).
  entries["Height"] = "0.095";
  {
    const Pillar pillar = make_pillar(entries);
    ASSERT_EQ(pillar.layers().size(), 6u);
    EXPECT_EQ(pillar.layers().back().material, "glass");
    EXPECT_NEAR(pillar.layers().back().thickness, 0.017, 1e-12);
    Triangulation<3> tria;
    pillar.create_triangulation(tria);
    check_layers(pillar, tria);
  }
  // A stack thicker than the pillar: one cut layer.
  entries["Height"]      = "0.01";
  entries["Layer stack"] = "glass:0.05";
  ASSERT_EQ(make_pillar(entries).layers().size(), 1u);
  EXPECT_NEAR(make_pillar(entries).layers()[0].thickness, 0.01, 1e-12);
}


TEST(GeometryPillar, HomogeneousPillar)
{
  auto entries                  = laminate;
  entries["Layer stack"]        = ""; // the material with id 0
  entries["Lateral refinement"] = "1";
  const Pillar pillar           = make_pillar(entries);
  ASSERT_EQ(pillar.layers().size(), 1u);
  EXPECT_EQ(pillar.layers()[0].material, "crystal");
  EXPECT_DOUBLE_EQ(pillar.layers()[0].thickness, 2.4);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  // 48 cells per cross-section, mean size 0.6 sqrt(pi/48) = 0.153 µm,
  // round(2.4/0.153) = 16 slabs.
  EXPECT_EQ(tria.n_active_cells(), 48u * 16u);
  const auto c = pillar.context(Point<3>(0., 0., 1.), 0);
  EXPECT_EQ(c.layer_index, 0u);
  EXPECT_DOUBLE_EQ(c.layer_thickness, 2.4);
  // One material, one layer as tall as the pillar: no interface, so no
  // interface barrier acts on it (issue 14, item 2).
  EXPECT_FALSE(c.layer_has_interface);
  entries["Layer stack"] = "crystal";
  EXPECT_FALSE(
    make_pillar(entries).context(Point<3>(0., 0., 1.), 0).layer_has_interface);

  entries["Axial cells"] = "5";
  Triangulation<3> tria5;
  make_pillar(entries).create_triangulation(tria5);
  EXPECT_EQ(tria5.n_active_cells(), 48u * 5u);
}


TEST(GeometryPillar, BadInputNamesEntryAndValue)
{
  std::string what = error_of({{"Height", "-1"}});
  EXPECT_NE(what.find("Geometry/Height = -1"), std::string::npos) << what;

  what =
    error_of({{"Top diameter", "1"}, {"Height", "2"}, {"Taper angle", "-20"}});
  EXPECT_NE(what.find("Geometry/Taper angle = -20"), std::string::npos) << what;
  EXPECT_NE(what.find("closes"), std::string::npos) << what;

  what = error_of(
    {{"Top diameter", "1.2"}, {"Base", "true"}, {"Base radius", "0.5"}});
  EXPECT_NE(what.find("Geometry/Base radius = 0.5"), std::string::npos) << what;

  what = error_of({{"Layer stack", "crystal:0.018, steel:0.012"}});
  EXPECT_NE(what.find("Geometry/Layer stack = crystal:0.018, steel:0.012"),
            std::string::npos)
    << what;
  EXPECT_NE(what.find("<steel>"), std::string::npos) << what;
  EXPECT_NE(what.find("crystal, glass, substrate"), std::string::npos) << what;

  what = error_of(
    {{"Mesh source", "gmsh"}, {"Mesh file", "/nonexistent/pillar.msh"}});
  EXPECT_NE(what.find("Geometry/Mesh file = /nonexistent/pillar.msh: file "
                      "not found"),
            std::string::npos)
    << what;

  what = error_of({{"Layer stack", "crystal:0.018, glass:-1"}});
  EXPECT_NE(what.find("Geometry/Layer stack"), std::string::npos) << what;
  what = error_of({{"Layer stack", "crystal:0.018, glass"}});
  EXPECT_NE(what.find("needs a thickness"), std::string::npos) << what;
  what = error_of({{"Fillet radius", "0.1"}});
  EXPECT_NE(what.find("Geometry/Fillet radius = 0.1"), std::string::npos)
    << what;
  what = error_of({{"Base", "true"}, {"Base material", "steel"}});
  EXPECT_NE(what.find("Geometry/Base material = steel"), std::string::npos)
    << what;

  // Several errors are reported together.
  what = error_of({{"Height", "-1"}, {"Top diameter", "0"}});
  EXPECT_NE(what.find("Geometry/Height = -1"), std::string::npos) << what;
  EXPECT_NE(what.find("Geometry/Top diameter = 0"), std::string::npos) << what;
}


TEST(GeometryPillar, PlaneStrainStrip)
{
  // 8 * 2^1 = 16 cells across D = 1.1, one through t = 0.05, about square
  // in z: round(2.2 / (1.1 / 16)) = 32 levels.
  const Pillar pillar = make_pillar({{"Cross-section", "plane strain strip"},
                                     {"Top diameter", "1.1"},
                                     {"Height", "2.2"},
                                     {"Strip thickness", "0.05"},
                                     {"Layer stack", "glass"},
                                     {"Lateral refinement", "1"}});
  EXPECT_TRUE(pillar.is_strip());
  EXPECT_NEAR(pillar.reference_area(), 1.1 * 0.05, 1e-14);
  EXPECT_NEAR(pillar.top_area(), 1.1 * 0.05, 1e-14);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  EXPECT_EQ(tria.n_active_cells(), 16u * 32u);
  double                               volume = 0.;
  std::map<types::boundary_id, double> area;
  for (const auto &cell : tria.active_cell_iterators())
  {
    volume += cell->measure();
    EXPECT_EQ(cell->material_id(), 1u); // glass
    for (const auto &face : cell->face_iterators())
      if (face->at_boundary())
      {
        area[face->boundary_id()] += face->measure();
        const Point<3> c = face->center();
        if (face->boundary_id() == boundary_id::plane_strain)
        {
          EXPECT_NEAR(std::abs(c[1]), 0.025, 1e-12);
        }
        else if (face->boundary_id() == boundary_id::free_surface)
        {
          EXPECT_NEAR(std::abs(c[0]), 0.55, 1e-12);
        }
      }
  }
  EXPECT_NEAR(volume, 1.1 * 0.05 * 2.2, 1e-12);
  EXPECT_NEAR(area[boundary_id::punch], 1.1 * 0.05, 1e-12);
  EXPECT_NEAR(area[boundary_id::bottom], 1.1 * 0.05, 1e-12);
  EXPECT_NEAR(area[boundary_id::plane_strain], 2. * 1.1 * 2.2, 1e-12);
  EXPECT_NEAR(area[boundary_id::free_surface], 2. * 0.05 * 2.2, 1e-12);
  EXPECT_EQ(n_duplicated_vertices(tria), 0u);

  // A layered strip keeps its interfaces.
  const Pillar layered =
    make_pillar({{"Cross-section", "plane strain strip"},
                 {"Height", "0.3"},
                 {"Layer stack", "crystal:0.018, glass:0.012"}});
  Triangulation<3> tria_layered;
  layered.create_triangulation(tria_layered);
  check_layers(layered, tria_layered);

  // What a strip cannot have is named with its value.
  std::string what =
    error_of({{"Cross-section", "plane strain strip"}, {"Taper angle", "2"}});
  EXPECT_NE(what.find("Geometry/Taper angle = 2"), std::string::npos) << what;
  what = error_of({{"Cross-section", "plane strain strip"}, {"Base", "true"}});
  EXPECT_NE(what.find("Geometry/Base = true"), std::string::npos) << what;
  what = error_of(
    {{"Cross-section", "plane strain strip"}, {"Strip thickness", "0"}});
  EXPECT_NE(what.find("Geometry/Strip thickness = 0"), std::string::npos)
    << what;
}


TEST(GeometryPillar, GmshExampleLoads)
{
  const std::map<std::string, std::string> entries = {
    {"Mesh source", "gmsh"},
    {"Mesh file", meshes_dir() + "pillar_on_base.msh"},
    {"Top diameter", "1.2"},
    {"Height", "2.4"},
    {"Taper angle", "2"}};
  ParameterHandler prm;
  prm.enter_subsection("Geometry");
  Pillar::declare_parameters(prm);
  for (const auto &e : entries)
    prm.set(e.first, e.second);
  Pillar pillar;
  pillar.parse_parameters(prm, {{"pillar", 0}, {"base", 1}});
  EXPECT_TRUE(pillar.has_base());
  ASSERT_EQ(pillar.layers().size(), 1u);
  EXPECT_EQ(pillar.layers()[0].material, "pillar");
  EXPECT_NEAR(pillar.layers()[0].thickness, 2.4, 1e-9);

  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  EXPECT_GT(tria.n_active_cells(), 100u);
  EXPECT_LT(tria.n_active_cells(), 1000u);
  double z_min = 0.;
  for (const auto &v : tria.get_vertices())
    z_min = std::min(z_min, v[2]);
  std::map<types::boundary_id, unsigned int> count;
  for (const auto &cell : tria.active_cell_iterators())
  {
    EXPECT_EQ(cell->material_id(), cell->center()[2] > 0. ? 0u : 1u);
    for (const auto &face : cell->face_iterators())
      if (face->at_boundary())
      {
        ++count[face->boundary_id()];
        const double z = face->center()[2];
        if (face->boundary_id() == boundary_id::punch)
        {
          EXPECT_NEAR(z, 2.4, 1e-9);
        }
        else if (face->boundary_id() == boundary_id::bottom)
        {
          EXPECT_NEAR(z, z_min, 1e-9);
        }
      }
  }
  EXPECT_EQ(count.size(), 3u);
  EXPECT_GT(count[boundary_id::punch], 0u);
  EXPECT_GT(count[boundary_id::bottom], 0u);

  // A mismatched height is caught.
  prm.set("Height", "2");
  EXPECT_THROW(pillar.parse_parameters(prm, {{"pillar", 0}, {"base", 1}}),
               std::exception);
  // An unknown material id (1 is not in the list) is caught.
  prm.set("Height", "2.4");
  EXPECT_THROW(pillar.parse_parameters(prm, {{"pillar", 0}}), std::exception);
}


TEST(GeometryPillar, DistributedTriangulation)
{
  auto entries            = laminate;
  entries["Height"]       = "0.3";
  entries["Base"]         = "true";
  entries["Base radius"]  = "3";
  const Pillar     pillar = make_pillar(entries);
  Triangulation<3> serial;
  pillar.create_triangulation(serial);

  parallel::distributed::Triangulation<3> tria(MPI_COMM_WORLD);
  pillar.create_triangulation(tria);
  EXPECT_EQ(tria.n_global_active_cells(), serial.n_active_cells());
  tria.refine_global(1);
  EXPECT_EQ(tria.n_global_active_cells(), 8 * serial.n_active_cells());
  // Refinement keeps the punch face flat and on z = H.
  for (const auto &cell : tria.active_cell_iterators())
    if (cell->is_locally_owned())
      for (const auto &face : cell->face_iterators())
        if (face->at_boundary() && face->boundary_id() == boundary_id::punch)
        {
          for (const unsigned int v : face->vertex_indices())
            EXPECT_NEAR(face->vertex(v)[2], 0.3, 1e-12);
        }
}


TEST(GeometryPillar, CurvedSurfaceUnderRefinement)
{
  auto entries            = laminate;
  entries["Layer stack"]  = "crystal";
  entries["Taper angle"]  = "4";
  const Pillar     pillar = make_pillar(entries);
  Triangulation<3> tria;
  pillar.create_triangulation(tria);
  tria.refine_global(2);
  for (const auto &cell : tria.active_cell_iterators())
    for (const auto &face : cell->face_iterators())
      if (face->at_boundary() &&
          face->boundary_id() == boundary_id::free_surface)
      {
        for (const unsigned int v : face->vertex_indices())
          EXPECT_NEAR(radius_of(face->vertex(v)),
                      pillar.radius(face->vertex(v)[2]),
                      1e-10);
      }
  // The refined cross-section approaches the circle: volume of the cone
  // frustum within 1 % (a 32-gon holds 99.4 % of the area).
  const double r0 = pillar.radius(0.), r1 = 0.6, H = 2.4;
  const double V = M_PI * H / 3. * (r0 * r0 + r0 * r1 + r1 * r1);
  EXPECT_NEAR(GridTools::volume(tria) / V, 1., 0.01);
}


TEST(GeometryPillar, TopCornerGrading)
{
  // Issue 15: 'Top corner grading' q. Off (1) is the uniform mesh, vertex
  // for vertex; q > 1 maps every disk vertex at relative radius rho to
  // g rho / (1 + (g - 1) rho), g = sqrt(q), and grades the axial cells of a
  // homogeneous pillar geometrically, bottom / top = q.
  auto entries                  = laminate;
  entries["Layer stack"]        = "crystal";
  entries["Taper angle"]        = "2";
  entries["Axial cells"]        = "8";
  entries["Lateral refinement"] = "1";
  Triangulation<3> uniform, graded, off;
  make_pillar(entries).create_triangulation(uniform);
  entries["Top corner grading"] = "1";
  make_pillar(entries).create_triangulation(off);
  entries["Top corner grading"] = "4";
  const Pillar pillar           = make_pillar(entries);
  pillar.create_triangulation(graded);
  ASSERT_EQ(off.n_vertices(), uniform.n_vertices());
  for (unsigned int i = 0; i < uniform.n_vertices(); ++i)
    EXPECT_EQ(off.get_vertices()[i], uniform.get_vertices()[i]);

  // Axial levels: geometric, first / last cell height = 4, H kept.
  std::set<double> levels;
  for (const auto &v : graded.get_vertices())
    levels.insert(v[2]);
  ASSERT_EQ(levels.size(), 9u);
  const std::vector<double> z(levels.begin(), levels.end());
  EXPECT_NEAR(z.front(), 0., 1e-14);
  EXPECT_NEAR(z.back(), 2.4, 1e-14);
  EXPECT_NEAR((z[1] - z[0]) / (z[8] - z[7]), 4., 1e-10);
  for (unsigned int k = 1; k + 1 < 8; ++k)
    EXPECT_NEAR((z[k + 1] - z[k]) / (z[k] - z[k - 1]),
                std::pow(4., -1. / 7.),
                1e-10);

  // Radial map, vertex for vertex against the uniform mesh (same level
  // index k: compare relative radii, which the taper does not change).
  const double        g = 2.;
  std::vector<double> z_uniform;
  {
    std::set<double> lu;
    for (const auto &v : uniform.get_vertices())
      lu.insert(v[2]);
    z_uniform.assign(lu.begin(), lu.end());
  }
  for (unsigned int i = 0; i < uniform.n_vertices(); ++i)
  {
    const Point<3> &u = uniform.get_vertices()[i];
    const Point<3> &v = graded.get_vertices()[i];
    const auto      k =
      std::lower_bound(z_uniform.begin(), z_uniform.end(), u[2] - 1e-12) -
      z_uniform.begin();
    EXPECT_NEAR(v[2], z[k], 1e-12);
    const double rho = radius_of(u) / pillar.radius(u[2]);
    EXPECT_NEAR(radius_of(v) / pillar.radius(v[2]),
                g * rho / (1. + (g - 1.) * rho),
                1e-12);
  }
  for (const auto &cell : graded.active_cell_iterators())
    EXPECT_GT(cell->measure(), 0.);

  // Input checks.
  entries["Top corner grading"] = "0.5";
  EXPECT_NE(error_of(entries).find("Geometry/Top corner grading = 0.5"),
            std::string::npos);
}

TEST(GeometryPillar, AxisGrading)
{
  // Issue 15: 'Axis grading' a. Off (1) is the uniform mesh, vertex for
  // vertex; a > 1 maps every disk vertex at relative radius rho to
  // g rho / (1 + (g - 1) rho), g = 1/sqrt(a), on every level of a layered
  // pillar (z unchanged): the cells at the axis get narrower.
  auto entries                  = laminate;
  entries["Height"]             = "0.3";
  entries["Taper angle"]        = "2";
  entries["Lateral refinement"] = "1";
  Triangulation<3> uniform, graded, off;
  make_pillar(entries).create_triangulation(uniform);
  entries["Axis grading"] = "1";
  make_pillar(entries).create_triangulation(off);
  entries["Axis grading"] = "4";
  const Pillar pillar     = make_pillar(entries);
  pillar.create_triangulation(graded);
  ASSERT_EQ(off.n_vertices(), uniform.n_vertices());
  ASSERT_EQ(graded.n_vertices(), uniform.n_vertices());
  ASSERT_EQ(graded.n_active_cells(), uniform.n_active_cells());
  for (unsigned int i = 0; i < uniform.n_vertices(); ++i)
    EXPECT_EQ(off.get_vertices()[i], uniform.get_vertices()[i]);
  const double g = 0.5;
  for (unsigned int i = 0; i < uniform.n_vertices(); ++i)
  {
    const Point<3> &u = uniform.get_vertices()[i];
    const Point<3> &v = graded.get_vertices()[i];
    EXPECT_EQ(v[2], u[2]);
    const double rho = radius_of(u) / pillar.radius(u[2]);
    EXPECT_NEAR(radius_of(v) / pillar.radius(v[2]),
                g * rho / (1. + (g - 1.) * rho),
                1e-12);
  }
  // The cells touching the axis are narrower, the mesh still valid.
  double w_uniform = 0., w_graded = 0.;
  for (const auto &cell : uniform.active_cell_iterators())
    for (const unsigned int v : cell->vertex_indices())
      if (radius_of(cell->vertex(v)) < 1e-12)
        w_uniform = std::max(w_uniform, cell->diameter());
  for (const auto &cell : graded.active_cell_iterators())
  {
    EXPECT_GT(cell->measure(), 0.);
    for (const unsigned int v : cell->vertex_indices())
      if (radius_of(cell->vertex(v)) < 1e-12)
        w_graded = std::max(w_graded, cell->diameter());
  }
  EXPECT_LT(w_graded, 0.8 * w_uniform);

  // Input checks.
  entries["Axis grading"] = "0.5";
  EXPECT_NE(error_of(entries).find("Geometry/Axis grading = 0.5"),
            std::string::npos);
  entries["Axis grading"]       = "4";
  entries["Top corner grading"] = "2";
  EXPECT_NE(error_of(entries).find("Geometry/Axis grading = 4"),
            std::string::npos);
}

TEST(GeometryPillar, CoarseCellEstimateIsExact)
{
  // The bound on the mesh size is checked from the estimate, before
  // anything is built: it must equal what create_triangulation() builds.
  std::vector<std::map<std::string, std::string>> cases;
  cases.push_back(laminate);
  auto c                  = laminate;
  c["Cells per layer"]    = "2";
  c["Lateral refinement"] = "1";
  c["Taper angle"]        = "3";
  c["Base"]               = "true";
  c["Fillet radius"]      = "0.1";
  cases.push_back(c);
  cases.push_back({{"Layer stack", "crystal"}});
  cases.push_back({{"Layer stack", "crystal"}, {"Axial cells", "7"}});
  cases.push_back({{"Layer stack", "crystal"},
                   {"Base", "true"},
                   {"Fillet radius", "0.2"},
                   {"Lateral refinement", "2"}});
  cases.push_back({{"Layer stack", "crystal"},
                   {"Base", "true"},
                   {"Base radius", "20"},
                   {"Base depth", "0.05"}});
  cases.push_back({{"Layer stack", "crystal"},
                   {"Cross-section", "plane strain strip"},
                   {"Lateral refinement", "2"}});
  for (const auto &entries : cases)
  {
    const Pillar     pillar = make_pillar(entries);
    Triangulation<3> tria;
    pillar.create_triangulation(tria);
    EXPECT_EQ(pillar.coarse_cell_estimate(),
              static_cast<double>(tria.n_active_cells()))
      << pillar.coarse_cell_summary();
  }
}


TEST(GeometryPillar, AbsurdSizesRefusedBeforeBuilding)
{
  // Height 1e6 µm: about 1e7 levels of 12 cells; 2e9 axial cells.
  std::string m = error_of({{"Layer stack", "crystal"}, {"Height", "1e6"}});
  EXPECT_NE(m.find("Geometry/Height = 1e+06"), std::string::npos) << m;
  EXPECT_NE(m.find("bound of 5000000"), std::string::npos) << m;
  m = error_of({{"Layer stack", "crystal"}, {"Axial cells", "2000000000"}});
  EXPECT_NE(m.find("Geometry/Axial cells = 2000000000"), std::string::npos)
    << m;
  // 100 cells per layer of a 160-layer stack at 3072 cells per level.
  auto big                  = laminate;
  big["Cells per layer"]    = "100";
  big["Lateral refinement"] = "4";
  m                         = error_of(big);
  EXPECT_NE(m.find("Geometry/Cells per layer = 100"), std::string::npos) << m;
  // A non-finite layer thickness.
  m = error_of({{"Layer stack", "crystal:inf"}});
  EXPECT_NE(m.find("Geometry/Layer stack = crystal:inf"), std::string::npos)
    << m;
}


TEST(GeometryPillar, DegenerateMeshNamesTheEntries)
{
  const auto mesh_error = [](const std::map<std::string, std::string> &e)
  {
    try
    {
      const Pillar     pillar = make_pillar(e);
      Triangulation<3> tria;
      pillar.create_triangulation(tria);
    }
    catch (const std::exception &x)
    {
      return single_spaced(x.what());
    }
    return std::string();
  };
  std::string m = mesh_error(
    {{"Layer stack", "crystal"}, {"Base", "true"}, {"Fillet radius", "1e-12"}});
  EXPECT_NE(m.find("Geometry/Fillet radius = 1e-12"), std::string::npos) << m;
  m = mesh_error({{"Layer stack", "crystal"},
                  {"Base", "true"},
                  {"Base radius", "0.6000001"}});
  EXPECT_NE(m.find("Geometry/Base radius = 0.6000001"), std::string::npos) << m;
  m = mesh_error(
    {{"Layer stack", "crystal:0.0001, glass:0.0001"}, {"Height", "0.002"}});
  EXPECT_NE(m.find("Geometry/Layer stack"), std::string::npos) << m;
  m = mesh_error(
    {{"Layer stack", "crystal"}, {"Height", "1000"}, {"Axial cells", "1"}});
  EXPECT_NE(m.find("times longer than its shortest"), std::string::npos) << m;
  EXPECT_NE(m.find("Geometry/Axial cells = 1"), std::string::npos) << m;
  // The default laminate is fine.
  EXPECT_EQ(mesh_error(laminate), "");
}


namespace
{
  std::string
  write_msh(const std::string &name, const std::string &text)
  {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string
  gmsh_error(const std::string &path)
  {
    try
    {
      micropillar::geometry::check_gmsh_file(path);
    }
    catch (const std::exception &e)
    {
      return single_spaced(e.what());
    }
    return "";
  }

  const std::string msh_header = "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n";
  const std::string msh_unit_cube_nodes =
    "$Nodes\n8\n1 0 0 0\n2 1 0 0\n3 1 1 0\n4 0 1 0\n5 0 0 1\n6 1 0 1\n"
    "7 1 1 1\n8 0 1 1\n$EndNodes\n";
} // namespace


TEST(GeometryPillar, GmshFileChecks)
{
  using micropillar::geometry::check_gmsh_file;
  EXPECT_EQ(check_gmsh_file(meshes_dir() + "pillar_on_base.msh"), 471u);

  // A one-hexahedron mesh in format 2.2 and in 4.1.
  EXPECT_EQ(check_gmsh_file(write_msh(
              "hex22.msh",
              msh_header + msh_unit_cube_nodes +
                "$Elements\n1\n1 5 2 0 1 1 2 3 4 5 6 7 8\n$EndElements\n")),
            1u);
  EXPECT_EQ(check_gmsh_file(write_msh(
              "hex41.msh",
              "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n"
              "$Nodes\n1 8 1 8\n3 1 0 8\n1\n2\n3\n4\n5\n6\n7\n8\n"
              "0 0 0\n1 0 0\n1 1 0\n0 1 0\n0 0 1\n1 0 1\n1 1 1\n0 1 1\n"
              "$EndNodes\n"
              "$Elements\n1 1 1 1\n3 1 5 1\n1 1 2 3 4 5 6 7 8\n"
              "$EndElements\n")),
            1u);

  // What is wrong, with the file named.
  const std::map<std::string, std::pair<std::string, std::string>> bad = {
    {"empty", {"", "the file is empty"}},
    {"text", {"hello\n", "not a Gmsh .msh file"}},
    {"binary", {"$MeshFormat\n2.2 1 8\n$EndMeshFormat\n", "binary"}},
    {"version", {"$MeshFormat\n3.0 0 8\n$EndMeshFormat\n", "version 3"}},
    {"no_elements", {msh_header + msh_unit_cube_nodes, "no $Elements"}},
    {"cut_nodes", {msh_header + "$Nodes\n8\n1 0 0 0\n2 1 0 0\n", "truncated"}},
    {"cut_elements",
     {msh_header + msh_unit_cube_nodes + "$Elements\n1\n1 5 2 0 1 1 2 3",
      "truncated"}},
    {"unclosed",
     {msh_header + msh_unit_cube_nodes +
        "$Elements\n1\n1 5 2 0 1 1 2 3 4 5 6 7 8\n",
      "truncated"}},
    {"garbage_node",
     {msh_header + "$Nodes\n1\n1 0 zero 0\n$EndNodes\n", "corrupt"}},
    {"nan_node",
     {msh_header + "$Nodes\n1\n1 0 nan 0\n$EndNodes\n", "not finite"}},
    {"surface",
     {msh_header + msh_unit_cube_nodes +
        "$Elements\n1\n1 3 2 0 1 1 2 3 4\n$EndElements\n",
      "a 2D mesh"}},
    {"tetrahedra",
     {msh_header + msh_unit_cube_nodes +
        "$Elements\n2\n1 4 2 0 1 1 2 3 5\n2 5 2 0 1 1 2 3 4 5 6 7 8\n"
        "$EndElements\n",
      "1 tetrahedra besides 1 hexahedra"}},
    {"prisms41",
     {"$MeshFormat\n4.1 0 8\n$EndMeshFormat\n"
      "$Nodes\n1 6 1 6\n3 1 0 6\n1\n2\n3\n4\n5\n6\n"
      "0 0 0\n1 0 0\n0 1 0\n0 0 1\n1 0 1\n0 1 1\n$EndNodes\n"
      "$Elements\n1 1 1 1\n3 1 6 1\n1 1 2 3 4 5 6\n$EndElements\n",
      "1 prisms"}},
    {"unknown_type",
     {msh_header + msh_unit_cube_nodes +
        "$Elements\n1\n1 99 2 0 1 1 2\n$EndElements\n",
      "unknown element type 99"}}};
  for (const auto &[name, content] : bad)
  {
    const std::string path = write_msh(name + ".msh", content.first);
    const std::string m    = gmsh_error(path);
    EXPECT_NE(m.find("Geometry/Mesh file = " + path + ": "), std::string::npos)
      << name << ": " << m;
    EXPECT_NE(m.find(content.second), std::string::npos) << name << ": " << m;
  }
  EXPECT_NE(gmsh_error(::testing::TempDir()).find("is a directory"),
            std::string::npos);
  EXPECT_NE(gmsh_error("/no/such.msh").find("file not found"),
            std::string::npos);
}


int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
