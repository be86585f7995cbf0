# shellcheck shell=bash disable=SC2034
# Cold-start sides for the scaler, reporter and sweeper (sourced by bench/cold-start.sh).
ENVIRONMENTS_JSON='[{"name":"dev","tags":["dev"],"cluster":"glfs-dev","taskDefinition":"glfs-runner-dev","containerName":"gitlab-runner","subnets":["subnet-0a1b2c3d"],"securityGroups":["sg-0a1b2c3d"],"launchMode":{"type":"FARGATE"},"maxConcurrentTasks":1000}]'
GITLAB_ENV="JOB_QUEUE_URL=$ENDPOINT/123456789012/jobs GITLAB_URL=$ENDPOINT GITLAB_TOKEN_SECRET=glfs/gitlab-api-token ENVIRONMENTS=$ENVIRONMENTS_JSON"
SIDES+=(
  "scaler|dev.fargatescaler.scaler.ScalerHandler|$ROOT/functions/scaler/target/scaler-function.jar:$LAUNCHER|$ROOT/bench/events/scaler-one-job.json|$GITLAB_ENV"
  "reporter|dev.fargatescaler.reporter.ReporterHandler|$ROOT/functions/reporter/target/reporter-function.jar:$LAUNCHER|$ROOT/bench/events/reporter-stopped-success-numbered.json|$GITLAB_ENV"
  "sweeper|dev.fargatescaler.sweeper.SweeperHandler|$ROOT/functions/sweeper/target/sweeper-function.jar:$LAUNCHER|$ROOT/events/sweeper-scheduled.json|$GITLAB_ENV"
)
