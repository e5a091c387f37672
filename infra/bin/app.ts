import { buildWeb, webBuildIsStale } from '@psa/web/build';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addPsaStacks } from '../src/psa-app.ts';

// The CloudFront distribution deploys web/dist: build it first when its sources changed.
if (webBuildIsStale()) buildWeb();
const app = new App();
addPsaStacks(app);
// cdk-nag 3.x is a policy-validation plugin: an unacknowledged finding fails the synth.
// Each acknowledgement sits beside the construct it concerns, with its reason.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
