/* OpenBLAS anchor for benchmark 1: times cblas_sgemm on one shape and prints the best GFLOP/s as JSON.
   Usage: openblas_anchor M N K transA(0|1) transB(0|1) beta threads seconds */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: %s M N K transA transB beta threads seconds\n", argv[0]);
    return 2;
  }
  const int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
  const int ta = atoi(argv[4]), tb = atoi(argv[5]);
  const float beta = (float)atof(argv[6]);
  const int threads = atoi(argv[7]);
  const double seconds = atof(argv[8]);
  openblas_set_num_threads(threads);
  float* A = malloc(sizeof(float) * (size_t)M * K);
  float* B = malloc(sizeof(float) * (size_t)K * N);
  float* C = malloc(sizeof(float) * (size_t)M * N);
  srand(1);
  for (long i = 0; i < (long)M * K; i++) A[i] = (float)rand() / RAND_MAX - 0.5f;
  for (long i = 0; i < (long)K * N; i++) B[i] = (float)rand() / RAND_MAX - 0.5f;
  for (long i = 0; i < (long)M * N; i++) C[i] = 0.0f;
  /* Row-major, same buffers and layouts as ours: lda/ldb are the stored row lengths. */
  const int lda = ta ? M : K, ldb = tb ? K : N;
  const enum CBLAS_TRANSPOSE TA = ta ? CblasTrans : CblasNoTrans, TB = tb ? CblasTrans : CblasNoTrans;
  for (int w = 0; w < 3; w++) cblas_sgemm(CblasRowMajor, TA, TB, M, N, K, 1.0f, A, lda, B, ldb, beta, C, N);
  double best = 1e30;
  const double start = now();
  int reps = 0;
  while (now() - start < seconds || reps < 5) {
    const double t0 = now();
    cblas_sgemm(CblasRowMajor, TA, TB, M, N, K, 1.0f, A, lda, B, ldb, beta, C, N);
    const double dt = now() - t0;
    if (dt < best) best = dt;
    reps++;
  }
  printf("{\"gflops\": %.3f, \"reps\": %d}\n", 2.0 * M * N * K / best / 1e9, reps);
  free(A);
  free(B);
  free(C);
  return 0;
}
