namespace Podnet.Tests.TestSupport;

/// <summary>The seeds' manifests, as kubectl applies them in the tests of podnet up.</summary>
public static class SeedManifests
{
    /// <summary>Seed 000's sample application: the nginx Deployment my-deployment and the Service my-app, in <paramref name="ns"/>.</summary>
    public static string SampleApplication(string ns, int replicas) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: my-deployment
          namespace: {ns}
          labels:
            app: my-app
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: my-app
          template:
            metadata:
              labels:
                app: my-app
            spec:
              containers:
              - name: nginx
                image: public.ecr.aws/nginx/nginx:1.23
                ports:
                - containerPort: 80
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: my-app
          namespace: {ns}
          labels:
            app: my-app
        spec:
          selector:
            app: my-app
          ports:
            - protocol: TCP
              port: 80
              targetPort: 80
        """;
}
