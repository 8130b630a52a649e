use futures_util::StreamExt;
use hookbridge_core::{Capabilities, EndpointId, EndpointSpec, Error, Operation, ProviderId, Unsupported, Webhook};

/// A provider that documents nothing: every default must say "unsupported", typed.
#[derive(Debug)]
struct Bare;

impl Webhook for Bare {
    fn provider(&self) -> ProviderId {
        hookbridge_core::ProviderId::new("echo")
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE
    }
}

fn assert_unsupported(err: Error, op: Operation) {
    match err {
        Error::Unsupported(Unsupported { provider, operation, .. }) => {
            assert_eq!(provider, hookbridge_core::ProviderId::new("echo"));
            assert_eq!(operation, op);
        }
        other => panic!("expected unsupported {op}, got {other:?}"),
    }
}

#[tokio::test]
async fn defaults_are_typed_unsupported_errors_through_dyn() {
    let clients: Vec<Box<dyn Webhook>> = vec![Box::new(Bare)];
    let id = EndpointId::new("x").unwrap();
    let spec = EndpointSpec::new("https://example.com/h".parse::<url::Url>().unwrap());
    for c in &clients {
        assert_unsupported(c.create(&spec).await.unwrap_err(), Operation::Create);
        assert_unsupported(c.get(&id).await.unwrap_err(), Operation::Get);
        assert_unsupported(c.update(&id, &(&spec).into()).await.unwrap_err(), Operation::Update);
        assert_unsupported(c.delete(&id).await.unwrap_err(), Operation::Delete);
        assert_unsupported(c.rotate_secret(&id).await.unwrap_err(), Operation::RotateSecret);
        let listed: Vec<_> = c.list().collect().await;
        assert_eq!(listed.len(), 1);
        assert_unsupported(listed.into_iter().next().unwrap().unwrap_err(), Operation::List);
        for op in Operation::ALL {
            assert!(!c.capabilities().supports(op));
        }
        let msg = c.get(&id).await.unwrap_err().to_string();
        assert_eq!(msg, "echo does not support `get`");
    }
}
