package gcp

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/api/cloudresourcemanager/v1"
	"google.golang.org/api/option"
)

// errNoProjects says what to do when the credentials list no project.
var errNoProjects = errors.New("gcp: the credentials list no active project; name the projects to read (--account)")

// projects lists the active projects the credentials can see, through
// Cloud Resource Manager.
func (c *Collector) projects(ctx context.Context, rt retrier) ([]string, error) {
	opts := []option.ClientOption{option.WithScopes(cloudresourcemanager.CloudPlatformReadOnlyScope)}
	if c.ProjectsEndpoint != "" {
		base, err := basePath(c.ProjectsEndpoint, "")
		if err != nil {
			return nil, err
		}
		opts = append(opts, option.WithEndpoint(base))
	}
	svc, err := cloudresourcemanager.NewService(ctx, append(opts, c.ClientOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("gcp resource manager client: %w", err)
	}
	var out []string
	token := ""
	for {
		page, err := retry(ctx, rt, "projects.list", func() (*cloudresourcemanager.ListProjectsResponse, error) {
			return svc.Projects.List().Filter("lifecycleState:ACTIVE").PageToken(token).Context(ctx).Do()
		})
		if err != nil {
			return nil, fmt.Errorf("gcp: list projects: %w", err)
		}
		for _, p := range page.Projects {
			if p != nil && p.ProjectId != "" && (p.LifecycleState == "" || p.LifecycleState == "ACTIVE") {
				out = append(out, p.ProjectId)
			}
		}
		if page.NextPageToken == "" {
			break
		}
		if page.NextPageToken == token {
			return nil, fmt.Errorf("gcp: list projects: the API repeated page token %q", token)
		}
		token = page.NextPageToken
	}
	if len(out) == 0 {
		return nil, errNoProjects
	}
	return out, nil
}
