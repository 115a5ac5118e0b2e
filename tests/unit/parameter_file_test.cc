// Tests of the parameter-file pre-scan and entry checks
// (solver::scan_parameter_file, check_entries) and of the material-error
// messages of constitutive::create_models: the scan reads what deal.II's
// ParameterHandler reads (line continuations, comments, subsections,
// INCLUDE), and refuses what deal.II would crash on or silently accept.
#include <deal.II/base/parameter_handler.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <micropillar/constitutive/registry.h>
#include <micropillar/solver/parameters.h>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace dealii;
using namespace micropillar;
namespace fs = std::filesystem;

namespace
{
  /// A scratch directory for this test process.
  fs::path
  scratch()
  {
    static const fs::path dir = []
    {
      const fs::path d = fs::temp_directory_path() /
                         ("mp_parameter_file_test_" + std::to_string(getpid()));
      fs::create_directories(d);
      return d;
    }();
    return dir;
  }

  std::string
  write(const std::string &name, const std::string &text)
  {
    const fs::path p = scratch() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }

  /// The message of the exception thrown by @p f ("" if none), on one line.
  template <typename F>
  std::string
  error_of(F f)
  {
    try
    {
      f();
    }
    catch (const ExceptionBase &e)
    {
      std::ostringstream s;
      e.print_info(s);
      std::istringstream words(s.str());
      std::string        word, text;
      while (words >> word)
        text += (text.empty() ? "" : " ") + word;
      return text;
    }
    catch (const std::exception &e)
    {
      return e.what();
    }
    return "";
  }

  bool
  contains(const std::string &text, const std::string &part)
  {
    return text.find(part) != std::string::npos;
  }
} // namespace


// The scan sees the entries deal.II sets: for each text, every entry the scan
// reports has the value deal.II stores.
TEST(ParameterFile, ScanAgreesWithDealII)
{
  const std::string text = "# a comment \\\n"
                           "set Swallowed = 1\n" // continued comment
                           "set Top = a # trailing comment\n"
                           "subsection A\n"
                           "  set x = 1 \\\n"
                           "          2   # continued\n"
                           "  SUBSECTION B\n"
                           "\tset y\t= tab  \n"
                           "  END\n"
                           "end\n"
                           "set Last = \\\n";
  const std::string               file = write("agree.prm", text);
  const solver::ParameterFileScan scan = solver::scan_parameter_file(file);

  ParameterHandler prm;
  for (const std::string e : {"Swallowed", "Top", "Last"})
    prm.declare_entry(e, "unset", Patterns::Anything());
  prm.enter_subsection("A");
  prm.declare_entry("x", "unset", Patterns::Anything());
  prm.enter_subsection("B");
  prm.declare_entry("y", "unset", Patterns::Anything());
  prm.leave_subsection();
  prm.leave_subsection();
  prm.parse_input(file);

  ASSERT_EQ(scan.entries.size(), 4u);
  EXPECT_EQ(scan.entries[0].path, "Top");
  EXPECT_EQ(scan.entries[0].value, "a");
  EXPECT_EQ(scan.entries[0].line, 3u);
  EXPECT_EQ(scan.entries[1].path, "A/x");
  EXPECT_EQ(scan.entries[1].value, "1 2");
  EXPECT_EQ(scan.entries[1].line, 5u);
  EXPECT_EQ(scan.entries[2].path, "A/B/y");
  EXPECT_EQ(scan.entries[2].value, "tab");
  EXPECT_EQ(scan.entries[3].path, "Last");
  EXPECT_EQ(scan.entries[3].value, "");
  EXPECT_EQ(prm.get("Swallowed"), "unset");
  EXPECT_EQ(prm.get("Top"), "a");
  prm.enter_subsection("A");
  EXPECT_EQ(prm.get("x"), "1 2");
  prm.enter_subsection("B");
  EXPECT_EQ(prm.get("y"), "tab");
}


TEST(ParameterFile, EntrySetTwice)
{
  // Different values: refused, naming the entry, both lines and values.
  const std::string twice = write("twice.prm",
                                  "subsection Geometry\n"
                                  "  set Height = 2.4\n"
                                  "end\n"
                                  "subsection Geometry\n"
                                  "  set Height = \\\n"
                                  "    3\n"
                                  "end\n");
  const std::string m = error_of([&] { solver::scan_parameter_file(twice); });
  EXPECT_TRUE(contains(m, "Geometry/Height is set twice")) << m;
  EXPECT_TRUE(contains(m, "2.4 (" + twice + ", line 2)")) << m;
  EXPECT_TRUE(contains(m, "3 (" + twice + ", line 5)")) << m;

  // The same value twice, and one name in two subsections: accepted.
  EXPECT_EQ(error_of(
              [&]
              {
                solver::scan_parameter_file(write("same.prm",
                                                  "set a = 1\nset a = 1\n"
                                                  "subsection A\n set a = 2\n"
                                                  "end\n"));
              }),
            "");
}


TEST(ParameterFile, FilesAndIncludes)
{
  // Empty, comments only, a directory, missing.
  for (const std::string text : {"", "# only a comment\n\n"})
  {
    const std::string f = write("empty.prm", text);
    EXPECT_TRUE(contains(error_of([&] { solver::scan_parameter_file(f); }),
                         f + " sets no entry"));
  }
  EXPECT_TRUE(
    contains(error_of([&] { solver::scan_parameter_file(scratch()); }),
             "is a directory"));
  EXPECT_TRUE(contains(
    error_of(
      [&] { solver::scan_parameter_file((scratch() / "nope.prm").string()); }),
    "nope.prm> not found"));

  // INCLUDE: followed in place (the included entry is in subsection A);
  // recursion, direct or through another file, refused.
  const std::string inc = write("inc.prm", "set x = 1\n");
  const std::string main =
    write("main.prm", "subsection A\n  INCLUDE " + inc + "\nend\n");
  const auto scan = solver::scan_parameter_file(main);
  ASSERT_EQ(scan.entries.size(), 1u);
  EXPECT_EQ(scan.entries[0].path, "A/x");
  EXPECT_EQ(scan.entries[0].file, inc);

  const std::string self = (scratch() / "self.prm").string();
  write("self.prm", "set x = 1\nINCLUDE " + self + "\n");
  EXPECT_TRUE(contains(error_of([&] { solver::scan_parameter_file(self); }),
                       "includes itself"));
  const std::string a = (scratch() / "a.prm").string();
  const std::string b = (scratch() / "b.prm").string();
  write("a.prm", "set x = 1\nINCLUDE " + b + "\n");
  write("b.prm", "set y = 1\ninclude " + a + "\n");
  const std::string loop = error_of([&] { solver::scan_parameter_file(a); });
  EXPECT_TRUE(contains(loop, "includes itself")) << loop;
  EXPECT_TRUE(contains(loop, b + ", line 2")) << loop;
  write("missing.prm", "INCLUDE /no/such/file.prm\n");
  EXPECT_TRUE(contains(
    error_of(
      [&]
      { solver::scan_parameter_file((scratch() / "missing.prm").string()); }),
    "/no/such/file.prm> (" + (scratch() / "missing.prm").string() +
      ", line 1) not found"));

  // A UTF-8 byte-order mark: stripped from the main file, refused in an
  // included one; NUL bytes (UTF-16) refused.
  const auto bom =
    solver::scan_parameter_file(write("bom.prm", "\xEF\xBB\xBFset x = 1\n"));
  EXPECT_EQ(bom.text, "set x = 1\n");
  EXPECT_EQ(bom.entries.at(0).path, "x");
  const std::string bom_inc = write("bom_inc.prm", "\xEF\xBB\xBFset x = 1\n");
  EXPECT_TRUE(contains(error_of(
                         [&]
                         {
                           solver::scan_parameter_file(
                             write("inc_bom.prm", "INCLUDE " + bom_inc + "\n"));
                         }),
                       "byte-order mark"));
  EXPECT_TRUE(contains(error_of(
                         [&]
                         {
                           solver::scan_parameter_file(
                             write("utf16.prm", std::string("s\0e\0t\0", 6)));
                         }),
                       "NUL bytes"));
}


TEST(ParameterFile, SyntaxErrorsNamed)
{
  const std::map<std::string, std::string> cases = {
    {"subsection Geometry\n  set Height = 2\n",
     "subsection Geometry (line 1) is not closed by 'end'"},
    {"set a = 1\nsett Height = 2\n", "line 2: cannot interpret <sett"},
    {"set Height 2\n", "line 1: <set Height 2>: a 'set' line needs '='"},
    {"set a = 1\nend\n", "line 2: 'end' without an open subsection"},
    {"subsection A\nset a = 1\nendx\n", "line 3: <endx>: nothing may"}};
  for (const auto &[text, expected] : cases)
  {
    const std::string f = write("syntax.prm", text);
    const std::string m = error_of([&] { solver::scan_parameter_file(f); });
    EXPECT_TRUE(contains(m, expected)) << text << " -> " << m;
  }
  // An INCLUDEd file must close what it opens (deal.II checks per file).
  const std::string open = write("open.prm", "subsection A\n");
  const std::string m    = error_of(
    [&]
    {
      solver::scan_parameter_file(
        write("includes_open.prm", "INCLUDE " + open + "\nset x = 1\nend\n"));
    });
  EXPECT_TRUE(contains(m, open + ": subsection A (line 1) is not closed")) << m;
}


TEST(ParameterFile, EntriesCheckedWithTheirFullPath)
{
  ParameterHandler prm;
  prm.enter_subsection("Geometry");
  prm.declare_entry("Height", "2.4", Patterns::Double());
  prm.declare_entry("Axial cells", "0", Patterns::Integer(0));
  prm.leave_subsection();
  prm.enter_subsection("Materials");
  prm.enter_subsection("glass");
  prm.declare_entry("Axis",
                    "0, 0, 1",
                    Patterns::List(Patterns::Double(), 3, 3));
  prm.leave_subsection();
  prm.leave_subsection();

  const auto check = [&](const std::string &text)
  {
    return error_of(
      [&]
      {
        solver::check_entries(
          solver::scan_parameter_file(write("entries.prm", text)), prm);
      });
  };
  EXPECT_EQ(check("subsection Geometry\n set Height = 3\nend\n"), "");
  for (const std::string v : {"inf", "-inf", "nan", "1e999", "1e-999"})
  {
    const std::string m =
      check("subsection Geometry\n set Height = " + v + "\nend\n");
    EXPECT_TRUE(contains(m, "Geometry/Height = " + v + " (")) << m;
    EXPECT_TRUE(contains(m, "line 2")) << m;
  }
  const std::string list = check("subsection Materials\n subsection glass\n"
                                 "  set Axis = 0, nan, 1\n end\nend\n");
  EXPECT_TRUE(contains(list, "Materials/glass/Axis = 0, nan, 1")) << list;
  const std::string type =
    check("subsection Geometry\n set Axial cells = 2e9\nend\n");
  EXPECT_TRUE(contains(type, "Geometry/Axial cells = 2e9")) << type;
  EXPECT_TRUE(contains(type, "does not match")) << type;
  const std::string unknown =
    check("subsection Geometry\n set Hieght = 2\nend\n");
  EXPECT_TRUE(contains(unknown, "Geometry/Hieght = 2")) << unknown;
  EXPECT_TRUE(contains(unknown, "did you mean <Height>")) << unknown;
  const std::string section =
    check("subsection Geomtry\n set Height = 2\nend\n");
  EXPECT_TRUE(contains(section, "subsection Geomtry does not exist"))
    << section;
  EXPECT_TRUE(contains(section, "did you mean <Geometry>")) << section;
  const std::string material =
    check("subsection Materials\n subsection crystal\n set Axis = 1, 0, 0\n"
          " end\nend\n");
  EXPECT_TRUE(contains(material,
                       "Materials/Models names no material "
                       "<crystal>"))
    << material;
}


TEST(ParameterFile, ModelErrorsNameTheMaterial)
{
  using constitutive::material_error_message;
  EXPECT_EQ(material_error_message(
              "crconi",
              "crystal plasticity",
              "Invalid crystal plasticity input:\n  crystal plasticity/FCC/"
              "C11, C12, C44 = 1, 2, 3: not positive definite."),
            "Materials/crconi (crystal plasticity): invalid entries:\n"
            "  Materials/crconi/FCC/C11, C12, C44 = 1, 2, 3: not positive "
            "definite.");
  EXPECT_EQ(material_error_message("m",
                                   "J2 plasticity",
                                   "subsection J2 plasticity: invalid "
                                   "entries:\n  Yield stress = 0: must be > "
                                   "0.\n"),
            "Materials/m (J2 plasticity): invalid entries:\n"
            "  Materials/m/Yield stress = 0: must be > 0.");
  EXPECT_EQ(material_error_message("lam",
                                   "homogenised laminate",
                                   "homogenised laminate, subsection Glass: "
                                   "subsection free volume glass: invalid "
                                   "entries:\n  Correlation length = 0: must "
                                   "be > 0."),
            "Materials/lam (homogenised laminate): invalid entries:\n"
            "  Materials/lam/Glass/Correlation length = 0: must be > 0.");

  // Through create_models: a neo-Hookean material with E = 0.
  ParameterHandler prm;
  prm.enter_subsection("Materials");
  prm.enter_subsection("soft");
  constitutive::Registry::declare_parameters("neo-Hookean", prm);
  prm.set("Young's modulus", "0");
  prm.leave_subsection();
  prm.leave_subsection();
  const std::string m = error_of(
    [&] {
      constitutive::create_models({{"soft", "neo-Hookean"}}, prm);
    });
  EXPECT_TRUE(contains(m,
                       "Materials/soft (neo-Hookean): need Young's "
                       "modulus > 0"))
    << m;
  // prm is back at the top level.
  prm.enter_subsection("Materials");
  prm.enter_subsection("soft");
  prm.set("Young's modulus", "1000");
  prm.leave_subsection();
  prm.leave_subsection();
  EXPECT_EQ(constitutive::create_models({{"soft", "neo-Hookean"}}, prm).size(),
            1u);
}
