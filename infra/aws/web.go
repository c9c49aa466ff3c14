package quartet

import (
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/jsii-runtime-go"
)

// placeholderPage is served until web/dist exists.
const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quartet</title></head>
<body><h1>Quartet</h1><p>The storefront web app is not built yet. The API answers under <a href="/v1/products">/v1/</a>.</p></body></html>
`

// spaRewrite runs on viewer requests of the default (web) behaviour only:
// a path without a file extension is a client-side route of the web app,
// so it gets /index.html. The /v1/* behaviour does not run it, so an API
// 404 always reaches the client as the API's own problem document.
const spaRewrite = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`

// APIPathPatterns are the distribution's behaviours that go to the HTTP
// API: the API itself, and accounts' OpenID discovery document and JWKS,
// which API Gateway's JWT authorizer fetches under the issuer (the
// distribution's URL). Every route of the OpenAPI documents falls under
// one of them (a test checks it).
var APIPathPatterns = []string{"/v1/*", "/.well-known/*"}

// webBucket is the private bucket of the web app's files.
func newWebBucket(stack awscdk.Stack, s Stage) awss3.Bucket {
	return awss3.NewBucket(stack, jsii.String("WebBucket"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		RemovalPolicy:     removalPolicy(s),
		AutoDeleteObjects: jsii.Bool(!s.Durable()),
	})
}

// distribution is the stage's CloudFront distribution.
type distribution struct {
	dist awscloudfront.Distribution
	url  *string // https://<id>.cloudfront.net: the stage's public URL and the tokens' issuer
}

// newDistribution serves the web app from the bucket (origin access
// control) and forwards APIPathPatterns to the HTTP API, uncached, with
// every viewer header but Host (so Authorization reaches the JWT
// authorizer).
func newDistribution(stack awscdk.Stack, props Props, bucket awss3.Bucket, api *httpAPI) *distribution {
	s := props.Stage
	spa := awscloudfront.NewFunction(stack, jsii.String("SpaRewrite"), &awscloudfront.FunctionProps{
		FunctionName: jsii.String(s.Name("spa-rewrite")),
		Comment:      jsii.String("extension-less web paths -> /index.html"),
		Code:         awscloudfront.FunctionCode_FromInline(jsii.String(spaRewrite)),
		Runtime:      awscloudfront.FunctionRuntime_JS_2_0(),
	})
	headers := awscloudfront.NewResponseHeadersPolicy(stack, jsii.String("SecurityHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		ResponseHeadersPolicyName: jsii.String(s.Name("security-headers")),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{
				ContentSecurityPolicy: jsii.String("default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"),
				Override:              jsii.Bool(true),
			},
			ContentTypeOptions: &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions: &awscloudfront.ResponseHeadersFrameOptions{
				FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true),
			},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, Override: jsii.Bool(true),
			},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Days(jsii.Number(365)), IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true),
			},
		},
	})
	apiOrigin := awscloudfrontorigins.NewHttpOrigin(api.domain(), &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy: awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
	})
	dist := awscloudfront.NewDistribution(stack, jsii.String("Web"), &awscloudfront.DistributionProps{
		Comment:           jsii.String(s.Name("web")),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		PriceClass:        awscloudfront.PriceClass_PRICE_CLASS_100,
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: headers,
			FunctionAssociations: &[]*awscloudfront.FunctionAssociation{{
				Function: spa, EventType: awscloudfront.FunctionEventType_VIEWER_REQUEST,
			}},
		},
	})
	for _, pattern := range APIPathPatterns { // in order: a stable template
		dist.AddBehavior(jsii.String(pattern), apiOrigin, &awscloudfront.AddBehaviorOptions{
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			AllowedMethods:        awscloudfront.AllowedMethods_ALLOW_ALL(),
			CachePolicy:           awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:   awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			ResponseHeadersPolicy: headers,
		})
	}
	source := awss3deployment.Source_Data(jsii.String("index.html"), jsii.String(placeholderPage), nil)
	if _, err := os.Stat(filepath.Join(props.WebDir, "index.html")); props.WebDir != "" && err == nil {
		source = awss3deployment.Source_Asset(jsii.String(props.WebDir), nil)
	}
	awss3deployment.NewBucketDeployment(stack, jsii.String("WebFiles"), &awss3deployment.BucketDeploymentProps{
		Sources:           &[]awss3deployment.ISource{source},
		DestinationBucket: bucket,
		Distribution:      dist,
		DistributionPaths: &[]*string{jsii.String("/*")},
		MemoryLimit:       jsii.Number(256),
	})
	url := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://"), dist.DistributionDomainName()})
	return &distribution{dist: dist, url: url}
}
