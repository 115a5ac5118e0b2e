// micropillar: argument parsing and error handling live in
// source/application.cc; this file only sets up MPI.
#include <deal.II/base/mpi.h>
#include <micropillar/application.h>

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  return micropillar::run_application(argc, argv);
}
