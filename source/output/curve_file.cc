#include <cstdio>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <micropillar/output/curve_file.h>
#include <sstream>
#include <stdexcept>

namespace micropillar
{
  namespace output
  {
    namespace
    {
      // The csv header: the standard columns, then the extra ones.
      std::vector<std::string>
      header_columns(const std::vector<std::string> &extra)
      {
        std::vector<std::string> c = {"step",
                                      "time",
                                      "displacement",
                                      "force",
                                      "strain",
                                      "stress",
                                      "newton_iterations",
                                      "dt"};
        c.insert(c.end(), extra.begin(), extra.end());
        return c;
      }

      std::vector<std::string>
      split(const std::string &line)
      {
        std::vector<std::string> v;
        std::istringstream       s(line);
        std::string              item;
        while (std::getline(s, item, ','))
          v.push_back(item);
        return v;
      }
    } // namespace

    CurveFile::CurveFile(const std::string              &directory,
                         const std::vector<std::string> &extra_columns,
                         const MPI_Comm                  comm,
                         const std::string              &restart_copy)
        : directory(directory)
        , root(dealii::Utilities::MPI::this_mpi_process(comm) == 0)
    {
      std::string error;
      if (root)
      {
        std::error_code ec;
        std::filesystem::create_directories(directory, ec);
        if (ec)
          error = "cannot create Output directory = " + directory + ": " +
                  ec.message();
        else if (!restart_copy.empty())
        {
          // The rows up to the checkpoint; later rows of the killed run
          // are dropped. A restart may switch a column group on or off
          // (Newton/Viscous stabilisation): the rows are then rewritten
          // under this run's header, column by name, a column the earlier
          // run did not write as 0 (e.g. no stabilisation work).
          std::ifstream            in(restart_copy);
          std::string              line;
          std::vector<std::string> lines;
          while (std::getline(in, line))
            lines.push_back(line);
          const std::vector<std::string> columns =
            header_columns(extra_columns);
          if (!in.eof() || lines.empty())
            error = "cannot restore the curve from " + restart_copy;
          else
          {
            file.open(directory + "/stress_strain.csv", std::ios::trunc);
            if (!file)
              error = "cannot write " + directory + "/stress_strain.csv";
          }
          if (error.empty())
          {
            const std::vector<std::string> old_columns = split(lines[0]);
            std::vector<int>               source(columns.size(), -1);
            for (std::size_t c = 0; c < columns.size(); ++c)
              for (std::size_t o = 0; o < old_columns.size(); ++o)
                if (old_columns[o] == columns[c])
                  source[c] = static_cast<int>(o);
            for (std::size_t c = 0; c < columns.size(); ++c)
              file << (c > 0 ? "," : "") << columns[c];
            file << '\n';
            for (std::size_t k = 1; k < lines.size(); ++k)
            {
              if (old_columns == columns || lines[k].empty() ||
                  lines[k][0] == '#')
              {
                file << lines[k] << '\n';
                continue;
              }
              const std::vector<std::string> values = split(lines[k]);
              for (std::size_t c = 0; c < columns.size(); ++c)
                file << (c > 0 ? "," : "")
                     << (source[c] >= 0 &&
                             static_cast<std::size_t>(source[c]) < values.size()
                           ? values[source[c]]
                           : std::string("0"));
              file << '\n';
            }
            file << std::flush;
          }
        }
        else
        {
          // Remove outputs of an earlier run so nothing stale looks
          // like the result of this one.
          for (const auto &entry :
               std::filesystem::directory_iterator(directory))
          {
            const std::string name = entry.path().filename().string();
            if (name == "stress_strain.csv" || name.rfind("fields", 0) == 0)
              std::filesystem::remove(entry.path(), ec);
          }
          file.open(directory + "/stress_strain.csv");
          if (!file)
            error = "cannot write " + directory + "/stress_strain.csv";
          else
          {
            const std::vector<std::string> columns =
              header_columns(extra_columns);
            for (std::size_t c = 0; c < columns.size(); ++c)
              file << (c > 0 ? "," : "") << columns[c];
            file << '\n' << std::flush;
          }
        }
      }
      error = dealii::Utilities::MPI::broadcast(comm, error, 0);
      AssertThrow(error.empty(), dealii::ExcMessage(error));
    }

    void
    CurveFile::write_row(const unsigned int         step,
                         const double               time,
                         const double               displacement,
                         const double               force,
                         const double               strain,
                         const double               stress,
                         const unsigned int         newton_iterations,
                         const double               dt,
                         const std::vector<double> &extra)
    {
      if (!root)
        return;
      std::ostringstream row;
      row << std::setprecision(12) << step << ',' << time << ',' << displacement
          << ',' << force << ',' << strain << ',' << stress << ','
          << newton_iterations << ',' << dt;
      for (const double v : extra)
        row << ',' << v;
      row << '\n';
      file << row.str() << std::flush;
      if (!file)
        throw std::runtime_error("cannot write " + directory +
                                 "/stress_strain.csv (disk full, or the "
                                 "directory removed?)");
    }

    void
    CurveFile::set_status(const std::string &status, const bool any_rank) const
    {
      if (!root && !any_rank)
        return;
      const std::string path = directory + "/run_status.txt";
      {
        std::ofstream tmp(path + ".tmp");
        tmp << status << '\n';
      }
      std::rename((path + ".tmp").c_str(), path.c_str());
    }
  } // namespace output
} // namespace micropillar
